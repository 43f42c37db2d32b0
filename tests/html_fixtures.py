"""A hand-built session for the HTML and review tests: every annotation kind, overlapping
spans, flags with evidence, word timings, measured silences, and a real WAV file to play."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np

from analyzer.datamodel import Annotation, Answer, AudioInfo, Flag, Report, Span, Transcript, Turn, Utterance, Word
from analyzer.pipeline import summarize

WORD_S = 0.4
"""Seconds per synthetic word."""

Q1 = "Tell me about a time you led a project under pressure."
A1 = ("Um, so last year our team had to move the billing system to a new database. "
      "I was, like, responsible for the data export, I guess. My old manager was honestly useless. "
      "So I split the work into daily goals and we finished two days early.")
_PAUSE_AT = A1.index("useless.") + len("useless.")
Q2 = "Why do you want this role?"
A2 = "I don't know, it seems fine. The pay is okay, whatever."


def _words(text: str, start_s: float, pause_after: dict[str, float] | None = None) -> tuple[list[Word], float]:
    words, t = [], start_s
    for m in re.finditer(r"\S+", text):
        words.append(Word(text=m.group(), start=round(t, 2), end=round(t + WORD_S - 0.05, 2),
                          start_char=m.start(), end_char=m.end()))
        t += WORD_S + (pause_after or {}).get(m.group(), 0.0)
    return words, round(t, 2)


def _at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _ann(kind: str, text: str, needle: str, words: list[Word], **detail: object) -> Annotation:
    start, end = _at(text, needle)
    timed = [w for w in words if w.end_char > start and w.start_char < end]
    return Annotation(kind, start, end, text[start:end], timed[0].start if timed else None,
                      timed[-1].end if timed else None, dict(detail))


def _span(text: str, needle: str, note: str | None = None) -> Span:
    start, end = _at(text, needle)
    return Span(start, end, text[start:end], note)


def build_report(answer_text: str = A1, source: str | None = "session.wav",
                 audio_path: str | None = None) -> Report:
    """Two answers with timings; ``answer_text`` replaces the first answer (e.g. hostile text)."""
    q1_words, q1_end = _words(Q1, 1.0)
    a1_start = q1_end + 0.5
    a1_words, a1_end = _words(answer_text, a1_start, {"useless.": 2.6})
    q2_words, q2_end = _words(Q2, a1_end + 0.6)
    a2_words, a2_end = _words(A2, q2_end + 0.5)
    turns = [
        Turn("Interviewer", Q1, 1.0, q1_end, q1_words, "interviewer"),
        Turn("Candidate", answer_text, a1_start, a1_end, a1_words, "candidate"),
        Turn("Interviewer", Q2, a1_end + 0.6, q2_end, q2_words, "interviewer"),
        Turn("Candidate", A2, q2_end + 0.5, a2_end, a2_words, "candidate"),
    ]
    duration = a2_end + 1.0
    silences: list[tuple[float, float]] = []
    answer1 = Answer("q1", Utterance(Q1, "Interviewer", 1.0, q1_end, q1_words, [0]),
                     Utterance(answer_text, "Candidate", a1_start, a1_end, a1_words, [1]), "behavioural")
    if answer_text == A1:
        useless = next(w for w in a1_words if w.text == "useless.")
        silences.append((round(useless.end + 0.1, 2), round(useless.end + 2.8, 2)))
        answer1.annotations = sorted([
            _ann("filler", A1, "Um", a1_words, word="um"),
            _ann("filler", A1, "like", a1_words, word="like"),
            _ann("hedge", A1, "I guess", a1_words),
            _ann("negativity", A1, "My old manager was honestly useless.", a1_words, score=0.91),
            _ann("situation", A1, "so last year our team had to move the billing system to a new database.", a1_words),
            _ann("task", A1, "I was, like, responsible for the data export, I guess.", a1_words),
            _ann("action", A1, "I split the work into daily goals", a1_words),
            _ann("result", A1, "we finished two days early.", a1_words),
            Annotation("pause", _PAUSE_AT, _PAUSE_AT + 1, " ", silences[0][0], silences[0][1], {"duration_s": 2.7}),
        ], key=lambda a: (a.start, a.end, a.kind))
        answer1.flags = [
            Flag("filler-words", "warning", "2 filler words in 47 words (4.3 per 100 words).",
                 "Pause silently instead of filling the gap.", "fillers per 100 words", 4.3, 3.0,
                 (_span(A1, "Um"), _span(A1, "like"))),
            Flag("employer-negativity", "error", "The answer criticises a former manager.",
                 "Describe what you learned and what you want next instead of blaming people.",
                 "negativity probability", 0.91, 0.5, (_span(A1, "My old manager was honestly useless.", "manager"),)),
        ]
        answer1.metrics = {"rambling": {"words": 47, "duration_s": round(a1_end - a1_start, 2)},
                           "enthusiasm": {"score": 61.0, "components": {"text": {"value": 0.55}}}}
    else:  # untrusted text: it must appear in highlights, flags and evidence as plain text
        answer1.annotations = [Annotation("negativity", 0, len(answer_text), answer_text)]
        answer1.flags = [Flag("employer-negativity", "error", f"Quoted: {answer_text}", f"Do not say {answer_text}",
                              evidence=(Span(0, len(answer_text), answer_text, answer_text),))]
    answer2 = Answer("q2", Utterance(Q2, "Interviewer", q2_end - len(q2_words) * WORD_S, q2_end, q2_words, [2]),
                     Utterance(A2, "Candidate", q2_end + 0.5, a2_end, a2_words, [3]), "motivation")
    answer2.annotations = [_ann("hedge", A2, "I don't know", a2_words), _ann("hedge", A2, "whatever", a2_words)]
    answer2.flags = [Flag("low-enthusiasm", "warning", "The answer sounds indifferent about the role.",
                          "Name one thing about the role that genuinely interests you.", "enthusiasm score",
                          22.0, 40.0, (_span(A2, "I don't know"), _span(A2, "whatever")))]
    answer2.metrics = {"rambling": {"words": 11, "duration_s": round(a2_end - q2_end - 0.5, 2)}}
    transcript = Transcript(turns, source=source, format="audio" if audio_path else "json",
                            audio=AudioInfo(audio_path, duration) if audio_path else None, silences=silences)
    answers = [answer1, answer2]
    roles = {"Interviewer": "interviewer", "Candidate": "candidate"}
    codes = ["rambling", "filler-words", "employer-negativity", "low-enthusiasm"]
    return Report(input={"path": source, "format": transcript.format, "sha256": "ab" * 32,
                         **({"duration_s": duration} if audio_path else {})},
                  speakers=roles, answers=answers, summary=summarize(answers, transcript, roles, codes),
                  tool={"name": "interview-analyzer", "version": "0.1.0"}, transcript=transcript)


def write_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    """A quiet two-tone WAV of ``seconds`` (a real, decodable file for the browser)."""
    t = np.arange(int(seconds * rate)) / rate
    signal = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 330 * t)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((signal * 32767).astype("<i2").tobytes())
    return path
