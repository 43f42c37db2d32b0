"""Find windows of real speech to label for the employer-negativity training set (phase 3).

    python scripts/mine_negativity_windows.py --seenunseen GITDIR --changelog GITDIR [--out FILE]

Searches every document of both podcast collections (not only ``training_candidates.jsonl``), leaving out
the documents of the dev, held-out and STAR sets, with three keyword families (docs/labelling/negativity.md,
"Training labels, phase 3"); the ``found_by`` value of each is the one the label files record:

* ``mined-first-person-workplace``: a sentence naming the speaker's own workplace ("my boss", "our
  clients", "when I worked at", "I quit because" ...) in a window of 1-4 sentences that also holds a
  complaint word (unless the sentence is of the "I quit because" kind);
* ``grep-strong-complaint``: a strong complaint phrase anywhere ("toxic workplace", "micromanag...", "they
  didn't care", "worst boss" ...), the first in a speaker turn, with two sentences before and after;
* ``grep-seenunseen-workplace``: in The Seen and the Unseen, a workplace and a complaint word in one sentence.

Writes the windows with their text (JSON lines: source, doc, start, end, sha1, found_by, text) to the cache
folder, not to the repository; windows were then read and labelled by hand, and those repeating a dev,
held-out or already-labelled passage were dropped. Keyword search finds candidates, it labels nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import realspeech

_OWN = (r"(?:my|our) (?:old |former |previous |last |first |then |direct |new )?(?:boss(?:es)?|manager(?:s)?|"
        r"editor(?:s)?|supervisor|employer|company|team ?lead|CEO|colleagues?|co-?workers?|management|leadership|"
        r"higher-?ups|clients?|customers|org|organi[sz]ation|department|team)\b")
_PLACE = (r"(?:when I (?:was at|worked (?:at|for|in))|at my (?:last|previous|old|first|former|current) (?:job|company|"
          r"employer|gig|place|workplace)|the (?:company|place|startup|firm|agency|newspaper|paper) I (?:was at|worked "
          r"(?:at|for|in))|where I (?:used to )?work(?:ed)?\b)")
_QUIT = (r"\b(?:I (?:quit|left|resigned)(?: (?:the|that|my) (?:job|company|place))? because|that's why I (?:quit|left)|"
         r"reason I (?:quit|left)|I got (?:fired|laid off|let go)|they (?:fired|laid off|let go of) me|burned me|made my life)")
_COMPLAINT = re.compile(
    r"(?:terrible|awful|horrible|toxic|hated?|didn't care|did not care|don't care|never (?:listened|cared|gave|paid|let|"
    r"told)|micromanag\w*|incompeten\w*|worst|nightmare|mess\b|yell\w*|scream\w*|blam\w*|took (?:the )?credit|politic\w*|"
    r"bureaucra\w*|dysfunction\w*|clueless|idiot\w*|stupid|crap\w*|bullshit|suck\w*|miserable|frustrat\w*|ridiculous|"
    r"absurd|insane|crazy|screwed|lied|lying|dishonest|unfair\w*|underpaid|exploit\w*|abus\w*|bully|bullied|taunt\w*|"
    r"humiliat\w*|ignored|disrespect\w*|couldn't stand|no idea what|clue|useless|pointless|waste of|broken|bad\b|worse|"
    r"poorly|badly|fired me|let me go|pushed out|forced out|shut down|killed (?:it|the project)|threw|thrown under|jerk|"
    r"asshole|a-hole|petty|arrogant|nasty|mean\b|rude|cheap|greedy|fought|fight|argu\w*|refused|wouldn't let|didn't let|"
    r"not allowed|no support|zero support|left me|hung me|red tape)", re.I)
_FIRST_PERSON = {"own": re.compile(_OWN, re.I), "place": re.compile(_PLACE, re.I), "quit": re.compile(_QUIT, re.I)}
_STRONG = re.compile(
    r"(worst (?:boss|manager|job|company|employer|place I)|micromanag|took (?:all )?(?:the )?credit|(?:my|our) (?:old |"
    r"former |previous )?(?:boss|manager|employer|CEO|management|leadership) (?:was|were) (?:a |an |just |really |so |"
    r"totally |completely )*(?:terrible|awful|horrible|toxic|clueless|incompetent|useless|idiot|jerk|nightmare|mess|bad|"
    r"crazy|insane|paranoid|abusive|unreasonable)|toxic (?:work|workplace|environment|culture|company|team|boss|manager)|"
    r"(?:I|we) (?:was|were) treated (?:like|badly|poorly)|they (?:never|didn't|did not) (?:pay|paid|listen|care|respect|"
    r"value|support)|(?:quit|left) (?:because|since) (?:of )?(?:my|the|our) (?:boss|manager|management|leadership|"
    r"company)|hostile work|threw (?:me|us) under the bus|(?:my|our) (?:boss|manager|editor) (?:yelled|screamed|shouted|"
    r"fired|humiliated|blamed|ignored|refused|lied))", re.I)
_SU_WORKPLACE = re.compile(
    r"\b(?:my (?:boss|bosses|editor|editors|manager|seniors?|superiors?|employer|colleagues|co-?workers|management|"
    r"newspaper|channel|company|firm|bank|department|office|principal)|the (?:management|bosses|editors?|owners?|"
    r"promoters?) (?:there|at|of (?:the|that) (?:paper|channel|company|bank|firm))|(?:when|while) I was (?:at|in|with|"
    r"working)|I (?:worked|used to work) (?:at|in|for|with))\b", re.I)
_SU_COMPLAINT = re.compile(
    r"(?:terrible|awful|horrible|toxic|hated|didn't care|did not care|never (?:listened|cared|gave|paid|let|allowed)|"
    r"incompeten\w*|worst|nightmare|yell\w*|scream\w*|shout\w*|blamed|credit|clueless|idiot\w*|stupid|miserable|"
    r"ridiculous|lied|lying|dishonest|unfair|underpaid|exploit\w*|bully|bullied|taunt\w*|humiliat\w*|ignored|"
    r"disrespect\w*|insult\w*|harass\w*|useless|petty|arrogant|nasty|rude|greedy|wouldn't let|didn't let|not allowed|"
    r"killed (?:the|my) story|spiked|censor\w*|pressure|corrupt\w*|sycophan\w*|hierarch\w*|bureaucra\w*|suffocat\w*|"
    r"frustrat\w*|fired me|sacked|kicked out|threw me out|thrown out|resign\w*|quit)", re.I)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=True).stdout


def documents(seenunseen: Path, changelog: Path, excluded: set[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(source, doc, text) of every speaker turn, as ``realspeech.Sources`` reads them."""
    for path in _git(changelog, "ls-tree", "-r", "--name-only", realspeech.CHANGELOG_COMMIT).split():
        if path.endswith(".md") and ("changelog", path) not in excluded:
            markdown = _git(changelog, "show", f"{realspeech.CHANGELOG_COMMIT}:{path}")
            for index, turn in enumerate(realspeech.changelog_turns(markdown)):
                yield "changelog", f"{path}:{index}", turn
    for path in _git(seenunseen, "ls-tree", "-r", "--name-only", realspeech.SEENUNSEEN_COMMIT).split():
        episode = Path(path).stem
        if path.startswith("transcripts_chat/E") and path.endswith(".json") and ("seenunseen", episode) not in excluded:
            messages = json.loads(_git(seenunseen, "show", f"{realspeech.SEENUNSEEN_COMMIT}:{path}"))
            for index, message in enumerate(messages):
                yield "seenunseen", f"{episode}:{index}", message["message"]


def _window(text: str, sentences: list[tuple[int, int]], first: int, last: int) -> tuple[int, int]:
    start = sentences[first][0]
    start += len(text[start:]) - len(text[start:].lstrip())
    return start, start + len(text[start:sentences[last - 1][1]].rstrip())


def windows(source: str, text: str) -> Iterator[tuple[str, int, int]]:
    """(found_by, start, end) of the windows of one speaker turn."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    taken_until = -1
    strong_done = seenunseen_done = False
    for k, (s, e) in enumerate(sentences):
        sentence = text[s:e]
        families = [name for name, pattern in _FIRST_PERSON.items() if pattern.search(sentence)]
        if families and s >= taken_until:
            start, end = _window(text, sentences, max(0, k - 1), min(len(sentences), k + 3))
            needs_complaint = families in (["own"], ["place"])
            if (not needs_complaint or _COMPLAINT.search(text[start:end])) and 120 <= end - start <= 1200:
                taken_until = end
                yield "mined-first-person-workplace", start, end
        if not strong_done and _STRONG.search(sentence):
            strong_done = True
            yield ("grep-strong-complaint", *_window(text, sentences, max(0, k - 2), min(len(sentences), k + 3)))
        if (source == "seenunseen" and not seenunseen_done and len(sentence) < 600
                and _SU_WORKPLACE.search(sentence) and _SU_COMPLAINT.search(sentence)):
            seenunseen_done = True
            start, end = _window(text, sentences, max(0, k - 1), min(len(sentences), k + 3))
            if end - start <= 1300:
                yield "grep-seenunseen-workplace", start, end


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    realspeech.add_source_arguments(parser)
    parser.add_argument("--out", type=Path, default=realspeech.DEFAULT_OUT / "negativity_windows.jsonl")
    args = parser.parse_args(argv)
    if not (args.seenunseen and args.changelog):
        parser.error("--seenunseen and --changelog are both needed")
    excluded = {(i["source"], i["doc"].rsplit(":", 1)[0]) for name in ("negativity", "star")
                for i in realspeech.read_labels(name)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.out.open("w", encoding="utf-8") as handle:
        for source, doc, text in documents(args.seenunseen, args.changelog, excluded):
            for found_by, start, end in windows(source, text):
                passage = text[start:end]
                handle.write(json.dumps({"source": source, "doc": doc, "start": start, "end": end,
                                         "sha1": realspeech.sha1_prefix(passage), "found_by": found_by,
                                         "text": passage}, ensure_ascii=False) + "\n")
                count += 1
    print(f"{count} windows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
