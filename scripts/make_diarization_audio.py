"""Synthesise two-voice mock-interview audio with exact speaker timings, for diarization.

Each line of a dialogue is spoken in its speaker's espeak-ng voice by
``make_sample_audio.synthesize_dialogue`` and laid out with short random gaps, so the
reference times are exact. Candidate answers are broken up by interviewer back-channels
("Mm-hm.", "Right.") to test short turns.

    python scripts/make_diarization_audio.py --out-dir tests/fixtures --name two_voices --script eval

writes ``<name>.ogg`` (16 kHz mono Ogg/Opus) and ``<name>.reference.json`` (reference turns).
Needs the Debian packages espeak-ng and sox; the outputs are committed so tests and the
evaluation do not.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_audio import Line, synthesize_dialogue  # noqa: E402

INTERVIEWER = "Interviewer"
CANDIDATE = "Candidate"

# Each script: (speaker, line). Lines of one speaker that follow each other become one
# continuous turn with a short breath pause; a back-channel is a separate interviewer line.
SCRIPTS: dict[str, list[tuple[str, str]]] = {
    # Used while developing and tuning diarize(); never reported as a score.
    "dev": [
        (INTERVIEWER, "Thanks for joining us today. Can you hear me all right?"),
        (CANDIDATE, "Yes, I can hear you fine. Thanks for having me."),
        (INTERVIEWER, "Great. Tell me about a time you had to deal with a difficult deadline."),
        (CANDIDATE, "Sure. Last spring our team had to ship a billing feature in three weeks."),
        (INTERVIEWER, "Mm-hm."),
        (CANDIDATE, "I split the work into small pieces and set up a daily check in with the designers."),
        (CANDIDATE, "We cut two nice to have screens so we could focus on the payment flow."),
        (INTERVIEWER, "Right."),
        (CANDIDATE, "In the end we shipped two days early and the error rate dropped by forty percent."),
        (INTERVIEWER, "What would you do differently next time?"),
        (CANDIDATE, "I would involve the support team earlier, because they knew the common complaints."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "That would have saved us a week of guessing."),
        (INTERVIEWER, "Why are you looking to leave your current job?"),
        (CANDIDATE, "I have learned a lot there, but I want to work on larger systems with more users."),
        (INTERVIEWER, "I see."),
        (CANDIDATE, "Your platform team is exactly the kind of place where I could grow."),
        (INTERVIEWER, "Do you have any questions for us?"),
        (CANDIDATE, "Yes. How do you measure success for this role in the first six months?"),
        (INTERVIEWER, "Good question. Mostly by how quickly you can own a service on your own."),
    ],
    # Development too (2026-11-26, for the conversation prior in diarize()): more varied turn
    # taking than "dev": requests without a question mark, two interviewer lines in a row, a
    # candidate who asks back, and an answer that opens with a back-channel word ("Right. So ...").
    "dev2": [
        (INTERVIEWER, "Hi there, thanks for calling in. Let us start whenever you are ready."),
        (CANDIDATE, "Thank you. I am ready when you are."),
        (INTERVIEWER, "First, describe the system you work on right now."),
        (CANDIDATE, "Right. So I maintain the booking service for a chain of dental clinics."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "It takes about ten thousand appointments a day, mostly through the phone app."),
        (CANDIDATE, "I also handle the reminders, which go out by text message the evening before."),
        (INTERVIEWER, "Mm-hm."),
        (CANDIDATE, "Last winter I rewrote the reminder job so that it could retry failed messages."),
        (INTERVIEWER, "Interesting. We have a similar problem here."),
        (INTERVIEWER, "How did you test the retries before you shipped them?"),
        (CANDIDATE, "We replayed a week of real traffic against a copy of the message gateway."),
        (INTERVIEWER, "Sure."),
        (CANDIDATE, "It found two bugs in the time zone handling, which we fixed first."),
        (INTERVIEWER, "Tell me how you work with people outside engineering."),
        (CANDIDATE, "I meet the clinic managers once a month and bring a short list of changes."),
        (INTERVIEWER, "Yeah."),
        (CANDIDATE, "They tell me which ones matter, and I adjust the plan. Does that answer it?"),
        (INTERVIEWER, "It does, thank you. One last thing. When could you start?"),
        (CANDIDATE, "In about four weeks, after I hand over my current projects."),
    ],
    # Development check (2026-11-26): written after the conversation prior was frozen, to confirm it
    # on text it was not chosen on; then used like "dev".
    "dev3": [
        (INTERVIEWER, "Good to meet you. Before we start, is this still a good time for you?"),
        (CANDIDATE, "Yes, this works well. I blocked the whole hour."),
        (INTERVIEWER, "Perfect. I would like to hear about the last migration you led."),
        (CANDIDATE, "Sure. We moved our customer records from an old database to a new cluster."),
        (INTERVIEWER, "I see."),
        (CANDIDATE, "The hard part was that the shop could not go offline, not even for an hour."),
        (CANDIDATE, "So we wrote every change to both databases for about three weeks."),
        (INTERVIEWER, "Right."),
        (CANDIDATE, "Then we compared them every night and fixed the differences by hand."),
        (INTERVIEWER, "Mm-hm."),
        (CANDIDATE, "When the reports matched for seven nights in a row, we switched over."),
        (INTERVIEWER, "And how did the switch itself go?"),
        (CANDIDATE, "It went quietly, which was the goal. Nobody outside the team noticed."),
        (INTERVIEWER, "That is good to hear. Who else was involved?"),
        (CANDIDATE, "Two other engineers and a tester from the payments team."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "I also asked our support lead to watch the tickets during the first week."),
        (INTERVIEWER, "What would you change if you did it again?"),
        (CANDIDATE, "I would automate the nightly comparison sooner. Can I ask how big your team is?"),
        (INTERVIEWER, "Of course. There are six of us, plus a designer we share with another group."),
    ],
    # Dev, with thinking pauses inside answers (written 2026-11-26, 12:15 UTC): Whisper's word
    # times run on into such pauses, which the other dev dialogues do not exercise.
    "dev_pauses": [
        (INTERVIEWER, "Hello, and thanks for making the time. Can you hear me clearly?"),
        (CANDIDATE, "Yes, loud and clear. Thanks for having me."),
        (INTERVIEWER, "Let us begin with a hard one. Tell me about a project that failed."),
        (CANDIDATE, "Hmm, let me think. [pause 2.4] Two years ago we built a booking app for gyms."),
        (INTERVIEWER, "Mm-hm."),
        (CANDIDATE, "We spent six months on it, and only three gyms ever signed up. [pause 1.8] "
                    "We had never asked the owners what they needed."),
        (INTERVIEWER, "What did you take away from that?"),
        (CANDIDATE, "That I should talk to users first. [pause 2.2] Now I do five interviews before I write any code."),
        (INTERVIEWER, "Right."),
        (CANDIDATE, "It saved my current team from building a report nobody wanted."),
        (INTERVIEWER, "How do you decide what to work on each week?"),
        (CANDIDATE, "I look at the support queue first. [pause 1.6] Then I pick the task that unblocks the most people."),
        (INTERVIEWER, "And when two managers want different things?"),
        (CANDIDATE, "I put both requests in front of them together and ask them to agree on the order."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "Usually it takes ten minutes. [pause 2.8] Once it took a whole afternoon."),
        (INTERVIEWER, "Fair enough. What salary range are you looking for?"),
        (CANDIDATE, "Somewhere around the middle of the range you posted. [pause 1.5] I am flexible on the start date."),
        (INTERVIEWER, "Thank you. We will be in touch next week."),
        (CANDIDATE, "Thank you, I look forward to it."),
    ],
    # Held out: used only for the numbers in docs/benchmarks.md and the tests.
    "eval": [
        (INTERVIEWER, "Good morning, and welcome. Shall we get started?"),
        (CANDIDATE, "Good morning. Yes, I am ready."),
        (INTERVIEWER, "Walk me through a project you are proud of."),
        (CANDIDATE, "At my last company I rebuilt the search page for our online shop."),
        (INTERVIEWER, "Mm-hm."),
        (CANDIDATE, "The old page was slow, and customers often gave up before the results loaded."),
        (CANDIDATE, "I profiled the queries and moved the heavy filtering into a cached index."),
        (INTERVIEWER, "Right."),
        (CANDIDATE, "Load times went from four seconds to under one second."),
        (INTERVIEWER, "Sure."),
        (CANDIDATE, "And sales from search grew by about twelve percent that quarter."),
        (INTERVIEWER, "How did you convince the team to change the design?"),
        (CANDIDATE, "I built a small prototype and showed the numbers in our weekly demo."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "Once people saw the speed, the discussion was short."),
        (INTERVIEWER, "Tell me about a mistake you made at work."),
        (CANDIDATE, "Early on I deployed a change on a Friday evening without a rollback plan."),
        (INTERVIEWER, "I see."),
        (CANDIDATE, "It broke the checkout for an hour. Since then I always write the rollback steps first."),
        (INTERVIEWER, "Where do you see yourself in a few years?"),
        (CANDIDATE, "Leading a small team that owns a product from start to finish."),
        (INTERVIEWER, "Thank you. That is all I have for today."),
    ],
    # Held out, written once the method was frozen (2026-11-26); docs/benchmarks.md says how often it was scored.
    "heldout": [
        (INTERVIEWER, "Hello, and thanks for making the time. Is the connection clear on your side?"),
        (CANDIDATE, "Hi. Yes, it is clear, thank you."),
        (INTERVIEWER, "Let us begin with your current role. What do you do day to day?"),
        (CANDIDATE, "I run the data platform for a logistics company, about forty pipelines in total."),
        (INTERVIEWER, "Got it."),
        (CANDIDATE, "Most mornings I review failed jobs and decide which ones need a fix today."),
        (CANDIDATE, "In the afternoons I work with analysts on new sources they want to use."),
        (INTERVIEWER, "Right."),
        (CANDIDATE, "Last year I also moved our scheduler to a managed service."),
        (INTERVIEWER, "Why that move?"),
        (CANDIDATE, "The old one crashed every few weeks, and nobody on the team wanted to maintain it."),
        (INTERVIEWER, "Sure."),
        (CANDIDATE, "After the move we had no outages for nine months."),
        (INTERVIEWER, "Tell me about a conflict with a colleague and how it ended."),
        (CANDIDATE, "A product manager wanted daily reports that our budget could not support."),
        (INTERVIEWER, "Nice."),
        (CANDIDATE, "I showed her the cost of each option, and we agreed on weekly reports with alerts."),
        (INTERVIEWER, "Yes."),
        (CANDIDATE, "She still uses that setup today."),
        (INTERVIEWER, "What are you hoping to learn in your next job?"),
        (CANDIDATE, "Streaming systems, and how to mentor junior engineers well."),
        (INTERVIEWER, "Okay, great. We will be in touch next week."),
    ],
    # Held out, second set: the text was written at 06:33 UTC on 2026-11-26, with voices never used
    # before; nothing was generated from it until the method was frozen (commit 96341a7, 06:38).
    # Scored twice (06:43 and 09:48 UTC), see docs/benchmarks.md. Two candidate lines hold a long thinking pause
    # ("[pause S]"), which the reference does not count as speech.
    "heldout2": [
        (INTERVIEWER, "Good afternoon. Thanks for coming in. Did you find the office easily?"),
        (CANDIDATE, "Good afternoon. Yes, the directions were very clear."),
        (INTERVIEWER, "Let us start with your background. How did you get into testing?"),
        (CANDIDATE, "I started as a support agent at a small bank, answering calls about the mobile app."),
        (INTERVIEWER, "All right."),
        (CANDIDATE, "I kept a list of the bugs customers reported, and the developers began to ask for it."),
        (CANDIDATE, "After a year they offered me a junior tester position."),
        (INTERVIEWER, "Great."),
        (CANDIDATE, "Since then I have worked on test automation for payments and for the loan forms."),
        (INTERVIEWER, "Which tools do you use most?"),
        (CANDIDATE, "Mostly a browser testing framework and a contract testing library. [pause 2.2] "
                    "For load tests we wrote our own small scripts."),
        (INTERVIEWER, "Mm."),
        (CANDIDATE, "They were good enough for our traffic."),
        (INTERVIEWER, "Describe a release that went badly. What did you learn?"),
        (CANDIDATE, "We once shipped a currency rounding error that only showed up for large transfers."),
        (INTERVIEWER, "I see."),
        (CANDIDATE, "Now every test plan has a section on boundary values. [pause 1.8] "
                    "And I review it with a developer before we start."),
        (INTERVIEWER, "Okay."),
        (CANDIDATE, "It takes ten minutes and catches a lot."),
        (INTERVIEWER, "Why do you want to join a smaller company?"),
        (CANDIDATE, "I would like to see the whole product, from the first design to the support tickets."),
        (INTERVIEWER, "Thank you. We will send you our decision by Friday."),
    ],
    # For Whisper, not diarization (2026-12-07, issue #23): the same two people ask and answer
    # questions that start alike, short answers with fillers, over several 30 s windows. A decoder
    # conditioned on the text before each window can copy an earlier question in place of the one
    # asked (tests/test_asr.py::test_similar_questions_in_a_row_are_not_copied).
    "similar_questions": [
        (INTERVIEWER, "Tell me about a time you had to meet a tight deadline."),
        (CANDIDATE, "Um, last year we had two weeks to move our billing reports to a new database."),
        (CANDIDATE, "I cut the scope to the five reports people used every day, and we made it."),
        (INTERVIEWER, "Tell me about a time you had to work with a difficult colleague."),
        (CANDIDATE, "Uh, a designer on my team often changed the plans late."),
        (CANDIDATE, "We agreed on a short weekly review, and the late changes stopped."),
        (INTERVIEWER, "Tell me about a time you made a mistake at work."),
        (CANDIDATE, "I once deleted a test table that another team still needed."),
        (CANDIDATE, "I told them at once, restored it from the backup, and wrote a checklist."),
        (INTERVIEWER, "What interests you about this team?"),
        (CANDIDATE, "Um, you build the tools that every other engineer here depends on."),
        (INTERVIEWER, "What interests you about this role in particular?"),
        (CANDIDATE, "I like owning a service from the design to the pager."),
        (INTERVIEWER, "What would you want to learn here in your first year?"),
        (CANDIDATE, "Uh, how you run large migrations without downtime."),
        (INTERVIEWER, "Tell me about a time you had to learn something new quickly."),
        (CANDIDATE, "When our search engine changed, I read the manual over a weekend and led the upgrade."),
        (INTERVIEWER, "Thank you. Do you have any questions for us?"),
        (CANDIDATE, "Yes. How is on call shared across the team?"),
    ],
    # One speaker reading questions and answering them: self-practice.
    "solo": [
        (CANDIDATE, "Question one. Tell me about yourself."),
        (CANDIDATE, "I am a software engineer with five years of experience in web services."),
        (CANDIDATE, "Most recently I led the move of our payment system to a new cloud provider."),
        (CANDIDATE, "Question two. Why do you want this job?"),
        (CANDIDATE, "I enjoy building tools that many people use every day, and your product does that."),
    ],
}


def build_lines(script: list[tuple[str, str]], voices: dict[str, str], seed: int) -> list[Line]:
    """The script as synthesis lines with randomised gaps: short ones at speaker changes
    (quick turn taking) and a breath between lines of the same speaker."""
    rng = random.Random(seed)
    lines: list[Line] = []
    previous: str | None = None
    for speaker, text in script:
        gap = rng.uniform(0.35, 0.7) if speaker == previous else rng.uniform(0.15, 0.6)
        lines.append(Line(speaker, speaker.lower(), text, voice=voices[speaker], gap_before_s=round(gap, 3)))
        previous = speaker
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True, help="directory for <name>.ogg and <name>.reference.json")
    parser.add_argument("--name", required=True, help="file stem of the outputs")
    parser.add_argument("--script", choices=sorted(SCRIPTS), required=True, help="which dialogue to speak")
    parser.add_argument("--interviewer-voice", default="en-us+m3", help="espeak-ng voice of the interviewer")
    parser.add_argument("--candidate-voice", default="en+f3", help="espeak-ng voice of the candidate (British English, female variant)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random gaps between lines")
    args = parser.parse_args()

    voices = {INTERVIEWER: args.interviewer_voice, CANDIDATE: args.candidate_voice}
    audio_path = args.out_dir / f"{args.name}.ogg"
    reference = synthesize_dialogue(build_lines(SCRIPTS[args.script], voices, args.seed), audio_path)
    reference["generator"] = (
        f"python scripts/make_diarization_audio.py --out-dir {args.out_dir} --name {args.name} "
        f"--script {args.script} --interviewer-voice {args.interviewer_voice} "
        f"--candidate-voice {args.candidate_voice} --seed {args.seed}"
    )
    reference_path = args.out_dir / f"{args.name}.reference.json"
    reference_path.write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
