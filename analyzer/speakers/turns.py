"""Turns from per-word speakers, speaker names, and who spoke when (the timeline)."""

from __future__ import annotations

from dataclasses import replace

from analyzer.datamodel import Transcript, Turn, Word

TIMELINE_MIN_PAUSE_S = 0.5
"""A measured silence this long inside a turn is a pause, not speech, in :func:`speech_timeline`.
Chosen on the dev recordings: it is above every pause inside a sentence there (at most 0.42 s)."""


def speaker_name(index: int) -> str:
    return f"Speaker {index + 1}"


def speech_timeline(transcript: Transcript, min_pause_s: float = TIMELINE_MIN_PAUSE_S) -> list[tuple[float, float, str]]:
    """Who spoke when: ``(start s, end s, speaker)`` pieces of every turn with timed words, then the parts of
    ``Transcript.speech`` (speech the voice diarization placed, e.g. back-channels Whisper wrote no word for)
    that no turn covers.

    A turn runs from its first word's start to its last word's end. Measured silences
    (``Transcript.silences``) of at least ``min_pause_s`` are not speech: they are cut out of both.
    Shorter silences (breaths, pauses inside a sentence) stay in.
    """
    pauses = sorted((a, b) for a, b in transcript.silences if b - a >= min_pause_s)
    timeline: list[tuple[float, float, str]] = []
    for turn in transcript.turns:
        timed = [w for w in turn.words if w.start is not None and w.end is not None]
        if timed:
            timeline.extend((a, b, turn.speaker) for a, b in _without(timed[0].start, timed[-1].end, pauses))  # type: ignore[arg-type]
    covered = sorted([(a, b) for a, b, _ in timeline] + pauses)
    for start, end, speaker in transcript.speech:
        timeline.extend((a, b, speaker) for a, b in _without(start, end, covered))
    return sorted(timeline)


def _without(start: float, end: float, cuts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of ``[start, end]`` outside the intervals ``cuts`` (sorted by start)."""
    parts: list[tuple[float, float]] = []
    for a, b in cuts:
        if a >= end:
            break
        if b <= start:
            continue
        if a > start:
            parts.append((start, a))
        start = max(start, b)
    if end > start:
        parts.append((start, end))
    return parts


def fill_missing(labels: list[int | None]) -> list[int]:
    """Words without a label take the previous word's (the next one's at the start)."""
    known = next((label for label in labels if label is not None), 0)
    filled: list[int] = []
    for label in labels:
        known = label if label is not None else known
        filled.append(known)
    return filled


def renumber(labels: list[int]) -> list[int]:
    """Relabel speakers 0, 1, ... in order of first appearance."""
    order: dict[int, int] = {}
    return [order.setdefault(label, len(order)) for label in labels]


def locate_words(text: str, words: list[Word]) -> list[tuple[int, int]] | None:
    """Character spans of the words in ``text``: their own offsets when set, else found in order."""
    if all(w.start_char is not None and w.end_char is not None for w in words):
        return [(w.start_char, w.end_char) for w in words]  # type: ignore[misc]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        token = word.text.strip()
        found = text.find(token, cursor) if token else -1
        if found < 0:
            return None
        spans.append((found, found + len(token)))
        cursor = found + len(token)
    return spans


def split_turns(transcript: Transcript, labels: list[int]) -> Transcript:
    """New turns cut wherever the speaker label changes; words carry speaker and offsets."""
    turns: list[Turn] = []
    position = 0
    for turn in transcript.turns:
        if not turn.words:
            speaker = speaker_name(labels[position - 1]) if position else speaker_name(0)
            turns.append(replace(turn, speaker=speaker))
            continue
        turn_labels = labels[position : position + len(turn.words)]
        position += len(turn.words)
        spans = locate_words(turn.text, turn.words)
        text = turn.text
        if spans is None:
            text = " ".join(w.text.strip() for w in turn.words)
            spans = locate_words(text, turn.words)
            assert spans is not None
        begin = 0
        for end in range(1, len(turn.words) + 1):
            if end < len(turn.words) and turn_labels[end] == turn_labels[begin]:
                continue
            piece_words = turn.words[begin:end]
            piece_spans = spans[begin:end]
            offset = piece_spans[0][0]
            speaker = speaker_name(turn_labels[begin])
            new_words = [
                replace(w, speaker=speaker, start_char=a - offset, end_char=b - offset)
                for w, (a, b) in zip(piece_words, piece_spans)
            ]
            whole = begin == 0 and end == len(turn.words)
            piece_text = text[offset : piece_spans[-1][1]]
            starts = [w.start for w in piece_words if w.start is not None]
            ends = [w.end for w in piece_words if w.end is not None]
            turns.append(
                replace(
                    turn,
                    speaker=speaker,
                    text=piece_text,
                    start=turn.start if whole or not starts else min(starts),
                    end=turn.end if whole or not ends else max(ends),
                    words=new_words,
                )
            )
            begin = end
    return replace(transcript, turns=turns)
