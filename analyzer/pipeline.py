"""The Python API: read -> roles -> pairs -> checks -> :class:`Report`.

``Analyzer`` keeps the configuration and lets models load once for many inputs::

    from analyzer import analyze
    report = analyze("sample_transcripts/strong_candidate.txt")
    for answer in report.answers:
        print(answer.question.text, [f.code for f in answer.flags])
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from analyzer import __version__
from analyzer.checks import registry, rules
from analyzer.checks.context import AnswerContext, Findings, SessionContext, min_pause_s
from analyzer.checks.prepare import prepare
from analyzer.checks.rule import Rule
from analyzer.config import Config
from analyzer.datamodel import SEVERITY_RANK, Annotation, Answer, Flag, Report, Transcript
from analyzer.errors import InputError
from analyzer.fileio import file_sha256
from analyzer.pairing import pair
from analyzer.readers import AUDIO_EXTENSIONS, check_input_path, read_transcript
from analyzer.speakers.roles import assign_roles
from analyzer.text.encoder import session_vectors
from analyzer.text.tokens import count_words

if TYPE_CHECKING:
    import threading

log = logging.getLogger("analyzer")


@dataclass
class Loaded:
    """A transcript, plus the decoded audio when the input was a recording."""

    transcript: Transcript
    audio: Any = None  # analyzer.readers.audio.DecodedAudio


def read_input(
    path: Path, audio_settings: Mapping[str, Any] | None = None, transcribed: Callable[[], None] | None = None
) -> Loaded:
    """Read any supported input file: a transcript, or a recording transcribed (:mod:`analyzer.recording`;
    ``transcribed`` is called when its words are recognised, before diarization)."""
    check_input_path(path)
    try:
        if path.suffix.lower() not in AUDIO_EXTENSIONS:
            return Loaded(read_transcript(path))
        from analyzer.recording import read_recording

        transcript, audio = read_recording(path, dict(audio_settings or {}), transcribed)
        return Loaded(transcript, audio)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None


class Analyzer:
    """Analyses sessions with one configuration; reuse it for many inputs."""

    def __init__(self, config: Config | None = None, *, audio: dict[str, Any] | None = None) -> None:
        self.config = config or Config()
        self.audio_settings = {**self.config.settings.get("audio", {}), **(audio or {})}

    def analyze(
        self,
        source: str | Path,
        *,
        questions: Iterable[str] | Path | None = None,
        candidate: str | None = None,
        interviewer: str | None = None,
    ) -> Report:
        """Analyse a transcript or recording (path), or transcript text given as a string."""
        preloading: list[threading.Thread] = []
        loaded = self._load(source, lambda: preloading.append(self._preload()))
        for thread in preloading:
            thread.join()
        return self.analyze_transcript(loaded.transcript, audio=loaded.audio, questions=questions,
                                       candidate=candidate, interviewer=interviewer)

    def analyze_transcript(
        self,
        transcript: Transcript,
        *,
        audio: Any = None,
        questions: Iterable[str] | Path | None = None,
        candidate: str | None = None,
        interviewer: str | None = None,
    ) -> Report:
        roles = assign_roles(transcript, candidate=candidate, interviewer=interviewer)
        if "candidate" not in roles.values():
            raise InputError(f"{transcript.source or 'input'}: no candidate turns found")
        answers, small_talk = pair(transcript, _question_list(questions))
        if not answers:
            raise InputError(f"{transcript.source or 'input'}: no candidate answers to questions found")
        min_pause = min_pause_s({"audio": self.audio_settings})
        enabled = self.config.enabled_codes()
        checks, known = registry(), rules()
        settings = dict(self.config.settings)
        options = {code: self.config.options_for(code) for code in known}
        samples, rate = getattr(audio, "samples", None), getattr(audio, "sample_rate", 16000)
        answer_codes = [c for c in enabled if known[c].scope == "answer"]
        contexts = [AnswerContext(answer=answer, transcript=transcript, audio=samples, sample_rate=rate,
                                  settings=settings, options=options) for answer in answers]
        with session_vectors():
            prepare(contexts, [known[c] for c in answer_codes])
            for answer, ctx in zip(answers, contexts):
                answer.annotations.extend(pause_annotations(answer, transcript.silences, min_pause))
                for code in answer_codes:
                    found = checks[code].check(answer, ctx, options[code])
                    self._record(known[code], found, answer.metrics, answer.flags)
                    answer.annotations.extend(found.annotations)
                    if not found.assessed:
                        answer.not_assessed.append(code)
                answer.annotations.sort(key=lambda a: (a.start, a.end, a.kind))
        session = SessionContext(answers=answers, transcript=transcript, small_talk=small_talk, audio=samples,
                                 sample_rate=rate, settings=settings, options=options)
        session_flags: list[Flag] = []
        session_metrics: dict[str, Any] = {}
        unassessed: list[str] = []
        for code in (c for c in enabled if known[c].scope == "session"):
            found = checks[code].check(session, options[code])
            self._record(known[code], found, session_metrics, session_flags)
            if not found.assessed:
                unassessed.append(code)
        return Report(
            input=_input_info(transcript),
            speakers=roles,
            answers=answers,
            small_talk=small_talk,
            summary=summarize(answers, transcript, roles, enabled, session_flags, unassessed),
            flags=session_flags,
            metrics=session_metrics,
            settings={"config_file": str(self.config.path) if self.config.path else None,
                      **self.config.fingerprint()},
            tool={"name": "interview-analyzer", "version": __version__},
            transcript=transcript,
            notes=_reading_notes(answers),
        )

    def _record(self, rule: Rule, found: Findings, metrics: dict[str, Any], flags: list[Flag]) -> None:
        """A check's findings into an answer's (or the session's) metrics and flags."""
        if found.metrics:
            metrics[rule.namespace or rule.code] = found.metrics
        flags.extend(self._with_severity(f) for f in found.flags)

    def _with_severity(self, flag: Flag) -> Flag:
        level = self.config.severity_for(flag.code, flag.severity)
        if level == flag.severity:
            return flag
        from dataclasses import replace

        return replace(flag, severity=level)  # type: ignore[arg-type]

    def _preload(self) -> "threading.Thread":
        """For a recording, once its words are recognised: Whisper released (the checks' models are not
        loaded beside it, issue #25), and those models loading on the other core while diarization runs
        on one."""
        from analyzer import asr
        from analyzer.checks.preload import start

        asr.get_engine.cache_clear()
        return start(self.config.enabled_codes())

    def _load(self, source: str | Path, transcribed: Callable[[], None]) -> Loaded:
        if isinstance(source, Path):
            return read_input(source, self.audio_settings, transcribed)
        looks_like_path = "\n" not in source and (
            Path(source).suffix.lower() in {".txt", ".md", ".vtt", ".srt", ".json", *AUDIO_EXTENSIONS}
            or Path(source).exists()
        )
        if looks_like_path:
            return read_input(Path(source), self.audio_settings, transcribed)
        from analyzer.readers.text import parse_text

        if not source.strip():
            raise InputError("transcript text is empty")
        return Loaded(parse_text(source, source=None))


def _reading_notes(answers: Sequence[Answer]) -> list[str]:
    """What the report says about how the session was read."""
    unknown = [a.id for a in answers if not a.question_known]
    if not unknown:
        return []
    return [f"{', '.join(unknown)}: no question was recorded before {'this answer' if len(unknown) == 1 else 'these answers'} "
            "(the recording starts mid-answer, or no question was read aloud first); analysed as "
            f"{'an answer' if len(unknown) == 1 else 'answers'} to an unknown question."]


def _question_list(questions: Iterable[str] | Path | None) -> list[str] | None:
    if questions is None:
        return None
    if isinstance(questions, Path):
        from analyzer.readers.common import read_text_file

        questions = read_text_file(questions).splitlines()
    cleaned = [q.strip() for q in questions if q.strip()]
    return cleaned or None


def pause_annotations(answer: Answer, silences: list[tuple[float, float]], min_pause_s: float) -> list[Annotation]:
    """Measured silences of at least ``min_pause_s`` between two words of the answer."""
    words = [w for w in answer.answer.words if w.start is not None and w.end is not None and w.start_char is not None]
    out = []
    for start, end in silences:
        if end - start < min_pause_s:
            continue
        before = [w for w in words if w.end <= start + 0.3]
        after = [w for w in words if w.start >= end - 0.3]
        if not before or not after:
            continue
        left, right = before[-1], after[0]
        if right.start_char <= left.end_char:
            continue
        out.append(Annotation(kind="pause", start=left.end_char, end=right.start_char,
                              text=answer.answer.text[left.end_char:right.start_char],
                              start_s=round(start, 2), end_s=round(end, 2),
                              detail={"duration_s": round(end - start, 2)}))
    return out


def _input_info(transcript: Transcript) -> dict[str, Any]:
    info: dict[str, Any] = {"path": transcript.source, "format": transcript.format}
    if transcript.audio and transcript.audio.sha256:
        info["sha256"] = transcript.audio.sha256  # hashed once, when the recording was decoded
    elif transcript.source and Path(transcript.source).is_file():
        info["sha256"] = file_sha256(transcript.source)
    if transcript.audio:
        info["duration_s"] = round(transcript.audio.duration_s, 2)
    if transcript.asr:
        info["asr"] = transcript.asr
    return info


def summarize(answers: list[Answer], transcript: Transcript, roles: dict[str, str], enabled: list[str],
              session_flags: Sequence[Flag] = (), session_unassessed: Sequence[str] = ()) -> dict[str, Any]:
    """Session totals and a per-check pass rate; ``score`` is the mean pass rate (0-100).

    An answer rule's pass rate counts only the answers it assessed (``answers_checked``): an answer
    outside its scope (``Answer.not_assessed``, e.g. missing-star on a factual question) neither
    passes nor fails it. A session rule passes or fails the session (``pass_rate`` 1 or 0; null when
    the session is outside its scope). A check that assessed nothing has ``pass_rate`` null and is
    left out of ``score``."""
    known = rules()
    flags = [f for a in answers for f in a.flags] + list(session_flags)
    by_code = Counter(f.code for f in flags)
    checks: dict[str, dict[str, Any]] = {}
    for code in enabled:
        if known[code].scope == "session":
            assessed = code not in session_unassessed
            checks[code] = {"scope": "session", "flagged": bool(by_code[code]),
                            "pass_rate": (0.0 if by_code[code] else 1.0) if assessed else None}
            continue
        assessed_answers = [a for a in answers if code not in a.not_assessed]
        flagged = sum(1 for a in assessed_answers if any(f.code == code for f in a.flags))
        checks[code] = {"answers_flagged": flagged, "answers_checked": len(assessed_answers),
                        "answers_out_of_scope": len(answers) - len(assessed_answers),
                        "pass_rate": round(1 - flagged / len(assessed_answers), 3) if assessed_answers else None}
    rates = [c["pass_rate"] for c in checks.values() if c["pass_rate"] is not None]
    words = Counter()
    for turn in transcript.turns:
        words[roles[turn.speaker]] += count_words(turn.text)
    total_words = sum(words.values())
    worst = max((f.severity for f in flags), key=lambda s: SEVERITY_RANK[s], default=None)
    return {
        "answers": len(answers),
        "answers_flagged": sum(1 for a in answers if a.flags),
        "flags": dict(sorted(by_code.items())),
        "flags_by_severity": {s: sum(1 for f in flags if f.severity == s) for s in SEVERITY_RANK},
        "worst_severity": worst,
        "checks": checks,
        "score": round(100 * sum(rates) / len(rates)) if rates else None,
        "candidate_words": words.get("candidate", 0),
        "candidate_talk_share": round(words.get("candidate", 0) / total_words, 3) if total_words else None,
        "duration_s": round(transcript.audio.duration_s, 2) if transcript.audio else None,
    }



def analyze(source: str | Path, config: Config | None = None, **kwargs: Any) -> Report:
    """Analyse one session (see :meth:`Analyzer.analyze`)."""
    audio = kwargs.pop("audio", None)
    return Analyzer(config, audio=audio).analyze(source, **kwargs)


def render(report: Report, fmt: str = "json") -> str:
    """The report as ``json``, ``md`` or ``html`` text."""
    from analyzer.report import render as _render

    return _render(report, fmt)


def transcribe(path: str | Path, **audio_settings: Any) -> Transcript:
    """Transcribe a recording into a timed :class:`Transcript` (no analysis)."""
    from analyzer.recording import read_recording

    path = Path(path)
    check_input_path(path)
    transcript, _ = read_recording(path, audio_settings)
    return transcript
