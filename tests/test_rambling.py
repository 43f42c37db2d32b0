"""The rambling check: metrics, length limits, drift and circling, on the real spaCy model."""

from __future__ import annotations

from analyzer.checks import rambling
from analyzer.checks.context import AnswerContext
from analyzer.datamodel import Answer, Transcript, Utterance, Word

CONFLICT_Q = "Tell me about a time you disagreed with a colleague about a technical decision."


def make_answer(text: str, question: str = CONFLICT_Q, kind: str = "behavioural",
                start_s: float | None = None, end_s: float | None = None) -> Answer:
    return Answer(
        id="q1",
        question=Utterance(text=question, speaker="A"),
        answer=Utterance(text=text, speaker="B", start_s=start_s, end_s=end_s),
        question_kind=kind,
    )


def run(answer: Answer, silences=None, **options):
    ctx = AnswerContext(answer=answer, transcript=Transcript(turns=[], silences=silences or []))
    return rambling.check(answer, ctx, {**rambling.RULE.defaults(), **options})


TIGHT = (
    "Last year a colleague wanted to rewrite our billing service in Go, and I disagreed with the timing. "
    "I was responsible for the release that quarter, so I compared the rewrite's cost with two smaller "
    "fixes to the existing service. I wrote a one-page comparison, walked the colleague through it, and "
    "we agreed to ship the fixes first and plan the rewrite for the next quarter. The fixes cut billing "
    "errors by forty percent, and the rewrite started on time three months later."
)

CIRCULAR = (
    "I disagreed with a colleague about the database for a new reporting feature. "
    "The main thing for me is that communication matters more than the technology we pick. "
    "We talked about it for a while and looked at the options we had in the team. "
    "Honestly, for me the main thing is that communication matters more than the technology. "
    "We looked at the options again with the rest of the team in a meeting. "
    "So the main thing I learned is that communication matters more than which technology we pick."
)

WHY_Q = "Why do you want to work on our checkout platform team?"
DRIFTING = (
    "I want to work on your checkout platform because I split our monolith into microservices for the "
    "checkout team at my last job, and the platform work was the part I enjoyed most. "
    "That reminds me of my weekend football club, where I coach the under twelve squad on Saturdays. "
    "The kids love penalty shootouts, and the parents bring oranges and tea to every single match. "
    "Last season we travelled to the coast for a tournament and stayed in a caravan park by the beach. "
    "The weather was awful, the caravans leaked, and we still won the trophy on the final evening."
)


def test_tight_answer_is_not_flagged() -> None:
    found = run(make_answer(TIGHT))
    assert found.flags == []
    assert found.metrics["words"] == 83
    assert found.metrics["repeated_phrases"] == 0
    assert found.metrics["readability_flesch"] is not None


def test_over_long_answer_is_flagged_with_the_part_beyond_the_limit() -> None:
    text = " ".join([TIGHT] * 5)  # 415 words, over the 330 behavioural limit
    found = run(make_answer(text))
    length = [f for f in found.flags if f.measure == "words"]
    assert len(length) == 1
    flag = length[0]
    assert flag.value == 415 and flag.threshold == 330
    assert "415 words" in flag.message and "330" in flag.message
    assert "STAR" in flag.suggestion and "result" in flag.suggestion
    [evidence] = flag.evidence
    assert evidence.end == len(text) and evidence.note == "beyond word 330"
    assert text[: evidence.start].split()[-1] == text.split()[329]


def test_length_evidence_starts_at_the_first_word_beyond_the_limit() -> None:
    closed = make_answer(TIGHT, question="What is your notice period?", kind="factual")
    [flag] = run(closed).flags
    [evidence] = flag.evidence
    assert evidence.text == evidence.text.strip(), "no leading space highlighted before word 81"
    assert evidence.text.split()[0] == TIGHT.split()[80]


def test_limits_depend_on_the_question_kind_and_are_configurable() -> None:
    answer = make_answer(TIGHT, question="How would you test a payment service?", kind="factual")
    assert run(answer).flags == []
    [flag] = run(answer, **{"max-words-factual": 50}).flags
    assert flag.threshold == 50 and "factual question" in flag.message
    closed = make_answer(TIGHT, question="What is your notice period?", kind="factual")
    [flag] = run(closed).flags
    assert (flag.value, flag.threshold) == (83, 80) and "closed question" in flag.message
    assert run(closed, **{"max-words-closed": 100}).flags == []


def test_seconds_limit_with_timings() -> None:
    found = run(make_answer(TIGHT, start_s=10.0, end_s=210.0))
    [flag] = found.flags
    assert (flag.measure, flag.value, flag.threshold) == ("duration_s", 200.0, 150.0)
    assert "200 s" in flag.message and "150 s" in flag.message
    assert flag.evidence[0].note == "after about 150 s" and flag.evidence[0].end == len(TIGHT)


def test_seconds_limit_evidence_starts_at_the_word_spoken_at_the_limit() -> None:
    import re

    matches = list(re.finditer(r"\S+", TIGHT))
    step = 200.0 / len(matches)
    words = [Word(m.group(), start=10.0 + i * step, end=10.0 + i * step + 0.2, start_char=m.start(),
                  end_char=m.end()) for i, m in enumerate(matches)]
    answer = make_answer(TIGHT, start_s=10.0, end_s=210.0)
    answer.answer.words = words
    [flag] = run(answer).flags
    first_late = next(w for w in words if w.start >= 160.0)
    assert flag.evidence[0].start == first_late.start_char


def test_circular_answer_points_at_the_repeated_parts() -> None:
    found = run(make_answer(CIRCULAR))
    circling = [f for f in found.flags if f.measure in ("self_similarity", "repeated_phrases")]
    assert circling, found.metrics
    flag = circling[0]
    assert flag.value >= flag.threshold
    notes = [e.note for e in flag.evidence]
    assert notes[:2] == ["first said here", "said again"]
    assert all("communication matters more than" in e.text for e in flag.evidence)
    assert all(CIRCULAR[e.start:e.end] == e.text for e in flag.evidence)
    assert "Say each point once" in flag.suggestion
    assert found.metrics["repeated_phrases"] >= 1
    assert not [f for f in found.flags if f.measure == "drift_share"]  # circling explains it


def test_drifting_answer_points_at_the_off_topic_parts() -> None:
    found = run(make_answer(DRIFTING, question=WHY_Q, kind="motivation"))
    drift = [f for f in found.flags if f.measure == "drift_share"]
    assert drift, found.metrics
    flag = drift[0]
    assert flag.value > flag.threshold
    assert "football" in flag.evidence[0].text
    assert all("monolith" not in e.text for e in flag.evidence)
    assert "Come back to the question" in flag.suggestion
    drifting = make_answer(DRIFTING, question=WHY_Q, kind="motivation")
    assert not [f for f in run(drifting, **{"max-drift-share": 0.9}).flags if f.measure == "drift_share"]


def test_behavioural_stories_are_not_flagged_for_drift_by_default() -> None:
    story = make_answer(DRIFTING, kind="behavioural")
    assert run(story).metrics["drift_share"] > 0.5
    assert not [f for f in run(story).flags if f.measure == "drift_share"]
    assert [f for f in run(story, **{"drift-question-kinds": ["behavioural"]}).flags if f.measure == "drift_share"]
    # a tight story that moves through its own scenes is not flagged even then
    tight = run(make_answer(TIGHT), **{"drift-question-kinds": ["behavioural"]})
    assert not [f for f in tight.flags if f.measure == "drift_share"]


WEAKNESS = (
    "My greatest weakness has been delegation. Early in my career I tended to take the hardest tickets myself "
    "because I knew the codebase well, and I assumed it would be faster. On my last team that backfired during a "
    "release crunch: two reviews piled up behind me and a junior developer sat idle for a day waiting on a decision "
    "I had not shared. Since then I write a short plan at the start of each sprint, hand out the pieces with a clear "
    "owner for each, and I hold back from jumping in unless someone asks. My manager noticed the change in my last "
    "review, and the team now ships more evenly across the sprint. I still catch myself wanting to grab the "
    "interesting problems, but I treat that as a prompt to pair with someone instead."
)


def test_a_weakness_backed_by_its_story_is_not_flagged_for_drift_by_default() -> None:
    answer = make_answer(WEAKNESS, question="What is your greatest weakness?", kind="self-assessment")
    assert run(answer).metrics["drift_share"] > 0.5  # the story sits far from the question's words
    assert not run(answer).flags


def test_speech_rate_uses_measured_silences_and_counts_long_pauses() -> None:
    answer = make_answer(TIGHT, start_s=0.0, end_s=40.0)
    found = run(answer, silences=[(5.0, 8.0), (20.0, 20.5), (38.0, 45.0)])
    m = found.metrics
    assert m["duration_s"] == 40.0
    assert m["speech_s"] == 40.0 - 3.0 - 0.5 - 2.0  # the last silence is clipped at the answer's end
    assert m["words_per_minute"] == round(83 * 60 / 34.5, 1)
    assert m["long_pauses"] == 2 and m["longest_pause_s"] == 3.0
    longer = AnswerContext(answer=answer, transcript=Transcript(turns=[], silences=[(5.0, 8.0)]),
                           settings={"audio": {"min-pause-s": 4.0}})
    assert rambling.check(answer, longer, rambling.RULE.defaults()).metrics["long_pauses"] == 0


def test_repeated_words_leave_fillers_aside_and_filler_metrics_are_the_filler_checks() -> None:
    from analyzer import analyze

    text = "I I think the- the plan was, um, to ship it, like, early and, uh, I I did."
    m = run(make_answer(text, kind="other")).metrics
    assert m["repeated_words"] == 3
    assert not {"fillers", "fillers_per_100_words", "fillers_per_minute"} & set(m)  # one check writes those
    metrics = analyze(f"Interviewer: What was the plan?\nCandidate: {text}\n").answers[0].metrics
    assert metrics["fillers"] == {"count": 3, "per_100_words": round(300 / 18, 2), "per_minute": None}


def test_the_longest_off_topic_run_after_the_opening_is_the_drift() -> None:
    parts = [rambling.Part(i, i + 1, words, "") for i, words in enumerate([5, 3, 4, 9, 2, 2, 2, 2, 2])]
    similarity = [0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1]  # the opening's own similarity does not count
    assert [p.start for p in rambling._drift_run(parts, similarity, 0.3)] == [4, 5, 6, 7, 8]  # 10 words beat 7
    assert rambling._drift_run(parts, [0.9] * len(parts), 0.3) == []
    assert rambling._drift_run(parts[:1], similarity[:1], 0.3) == []


def test_a_very_long_answer_is_compared_in_at_most_max_parts_parts() -> None:
    parts = [rambling.Part(10 * i, 10 * i + 9, 10, f"word{i}") for i in range(1001)]
    merged = rambling._at_most(parts, 200)
    assert len(merged) <= 200 and merged[0].start == 0 and merged[-1].end == parts[-1].end
    assert sum(p.words for p in merged) == 10_010 and merged[0].terms == "word0 word1 word2 word3 word4 word5"
    assert all(a.end < b.start for a, b in zip(merged, merged[1:]))
    assert rambling._at_most(parts[:200], 200) == parts[:200]
