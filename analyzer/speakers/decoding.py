"""The likeliest speaker sequence (Viterbi): voice scores plus a conversation prior from the words."""

from __future__ import annotations

import re

import numpy as np

from analyzer.text.questions import is_question

MID_SENTENCE_BONUS = 1.0
"""Log-score added for the same speaker on both sides of a boundary inside a sentence (the piece
before ends without . ! ? and the next begins in lower case; neither is a listener's hum, which
Whisper often writes with a comma: "Mmm, ")."""
QUESTION_BONUS = 1.5
"""Log-score added for a change of speaker after a piece ending in "?"."""
REQUEST_BONUS = 1.0
"""Log-score added for a change after a sentence that asks by its wording alone
(:func:`analyzer.text.questions.is_question`: interrogative start or "tell me", "describe"...; at
least ``REQUEST_MIN_WORDS`` words, so that "Does." or "Right." do not count).
The three bonuses were set on 30 dev recordings and checked on 21 made afterwards (dev dialogues
of scripts/make_diarization_audio.py; docs/benchmarks.md). On all 51, mean DER on the 24 of the
near-identical pair en-us+m3/en-gb (two men, same pitch; asked for as "en-gb+f3", whose variant
espeak-ng ignores): 3.60% without the prior, 2.13% with it; all three halved 2.35%, doubled 3.34%,
without the mid-sentence cue 2.65%, without the question cue 2.38%, without the request cue 2.36%.
The 16 other pairs 2.33% -> 2.05%; the 11 one-voice recordings unchanged."""
REQUEST_MIN_WORDS = 3
MIN_ANSWERED_QUESTIONS = 2
"""Questions answered by the other voice needed before the conversation's structure counts."""
_HUM = re.compile(r"h?m+(?:-?h?m+)*")
"""A listener's hum as Whisper writes it: "Mm-hm", "Mmm", "Hmm", "Mhm"."""


def _is_hum(text: str) -> bool:
    return _HUM.fullmatch(re.sub(r"[^\w-]", "", text.lower())) is not None


def turn_cue(before: str, after: str) -> float:
    """Conversation prior at the boundary between two consecutive pieces of speech, from their
    words: a log-score for the same speaker on both sides (negative: a change is likelier).

    After "?" the other speaker usually answers (``-QUESTION_BONUS``); after a sentence that asks
    by its wording, less surely (``-REQUEST_BONUS``; only a whole sentence, not the end of one cut by a pause); a boundary inside a sentence seldom changes
    speaker (``+MID_SENTENCE_BONUS``). A piece without words gives no cue (0).
    """
    if not before or not after:
        return 0.0
    if before.endswith("?"):
        return -QUESTION_BONUS
    if not before.endswith((".", "!")) and after[0].islower() and not (_is_hum(before) or _is_hum(after)):
        return MID_SENTENCE_BONUS
    sentences = re.split(r"(?<=[.!?])\s+", before)
    last = sentences[-1]
    whole = len(sentences) > 1 or last[:1].isupper()  # a piece may begin mid-sentence: "does not spend on time."
    return -REQUEST_BONUS if whole and len(last.split()) >= REQUEST_MIN_WORDS and is_question(last) else 0.0


def decode_speakers(scores: np.ndarray, cues: list[float]) -> list[int]:
    """The likeliest speaker sequence (Viterbi) for pieces with voice ``scores`` (pieces x
    speakers) and a same-speaker log-score ``cues[i]`` between piece i and i + 1 (0 for a change)."""
    count, speakers = scores.shape
    same = np.eye(speakers, dtype=bool)
    total = scores[0].copy()
    back = np.zeros((count, speakers), dtype=int)
    for i in range(1, count):
        candidates = total[:, None] + np.where(same, cues[i - 1], 0.0)  # [from, to]
        back[i] = np.argmax(candidates, axis=0)
        total = candidates[back[i], np.arange(speakers)] + scores[i]
    path = [int(np.argmax(total))]
    for i in range(count - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def answered_by_the_other(texts: list[str], speakers: list[int]) -> bool:
    """Whether consecutive stretches of speech (``texts``, with a candidate ``speakers`` labelling)
    look like an interview: after a question the speaker changes at least ``MIN_ANSWERED_QUESTIONS``
    times and at two in three questions or more, while inside sentences it changes at most one time
    in three. One voice split in two by chance changes as often after a question as anywhere else."""
    changes = [a != b for a, b in zip(speakers, speakers[1:])]
    cues = [turn_cue(before, after) for before, after in zip(texts, texts[1:])]
    asked = [changed for changed, cue in zip(changes, cues) if cue < 0]
    within = [changed for changed, cue in zip(changes, cues) if cue > 0]
    return sum(asked) >= MIN_ANSWERED_QUESTIONS and 3 * sum(asked) >= 2 * len(asked) and 3 * sum(within) <= len(within)
