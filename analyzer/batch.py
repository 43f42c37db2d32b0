"""Batch analysis: folders of sessions, in parallel worker processes, resumable, with a summary.

Layout of the output directory (``--out``)::

    OUT/<same folders as the inputs>/<file name>.<fmt>   one report per session and format
    OUT/.batch-state/<same path>.json                    manifest: written last, marks a session complete
    OUT/summary.json, summary.csv, errors.json, index.html

A session is skipped when its manifest holds the same key (SHA-256 of the input, its questions and
metadata, the configuration fingerprint, the audio overrides (engine, model, speakers), the speaker
roles given on the command line, the tool version and the build: a hash of the analyzer's code and
models, :func:`analyzer.resources.build_fingerprint`) and every requested report
still exists with the recorded SHA-256 (a JSON report's taken without a coach review merged in by
``review import``). Every file is written atomically (temporary file + rename),
reports before the manifest, so a batch killed at any moment leaves complete files only and a
rerun redoes just the sessions whose manifest is missing or stale. A session that is redone keeps
the coach's verdicts of its previous JSON report where they still fit its flags (``_keep_review``).

Sidecars beside ``<name>.<ext>``: ``<name>.questions.txt`` (self-practice questions, one per line)
and ``<name>.meta.toml`` (``candidate``, ``date``, ``candidate-speaker``, ``interviewer-speaker``).
They win over the batch-wide :class:`SessionDefaults` (``--questions``, ``--candidate``, ``--interviewer``).
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import logging
import os
import re
import time
import tomllib
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from analyzer import __version__
from analyzer.config import CONFIG_FILES, Config
from analyzer.errors import AnalyzerError, ConfigError, InputError, ModelMissingError
from analyzer.fileio import atomic_write_text, file_sha256
from analyzer.fillers import count_words
from analyzer.resources import build_fingerprint
from analyzer.roles import SpeakerChoiceError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from analyzer.datamodel import Answer, Report
    from analyzer.pipeline import Analyzer

log = logging.getLogger("analyzer")

STATE_DIR = ".batch-state"
LOCK_FILE = ".batch.lock"
QUESTIONS_SUFFIX = ".questions.txt"
META_SUFFIX = ".meta.toml"
REFERENCE_SUFFIX = ".reference.json"
"""Reference transcripts kept beside sample recordings (for accuracy checks): never sessions."""
SIDECAR_SUFFIXES = (QUESTIONS_SUFFIX, META_SUFFIX, REFERENCE_SUFFIX)
META_KEYS = {"candidate", "date", "candidate-speaker", "interviewer-speaker"}
SUMMARY_FILES = ("summary.json", "summary.csv", "errors.json", "index.html")

FILLER_CODE = "filler-words"
STAR_CODE = "missing-star"
STAR_PARTS = ("situation", "task", "action", "result")

METRIC_COLUMNS: dict[str, str] = {
    "candidate_words": "Words spoken by the candidate",
    "words_per_minute": "Answer words per minute of answer speaking time (timed inputs only)",
    "fillers_per_minute": "Filler words per minute of answer time (timed inputs)",
    "fillers_per_100_words": "Filler words per 100 answer words",
    "star_coverage": "Mean share of the four STAR parts found in the answers the STAR check assessed, %",
    "enthusiasm": "Mean enthusiasm score of the answers, 0-100 (enthusiasm check enabled)",
    "score": "The report's score: mean pass rate of the enabled checks, each over the answers it assessed, 0-100",
}
"""Session-level numbers in the summary, in column order; a value is empty when it does not apply."""

TREND_METRICS: dict[str, str] = {
    "fillers_per_minute": "Fillers per minute",
    "fillers_per_100_words": "Fillers per 100 words",
    "star_coverage": "STAR coverage (%)",
    "enthusiasm": "Enthusiasm (0-100)",
    "score": "Score (0-100)",
}

OUT_OF_100 = {"star_coverage", "enthusiasm", "score"}

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_GLOB_CHARS = re.compile(r"[*?\[]")
_OWN_REPORT = {  # how this tool's reports begin, by extension
    ".json": re.compile(rb'\A\{\s*"schema_version":\s*\d+,\s*"tool":\s*\{\s*"name":\s*"interview-analyzer"'),
    ".md": re.compile(rb"\A# Interview analysis: "),
    ".html": re.compile(rb'<meta name="generator" content="interview-analyzer '),
}


# --------------------------------------------------------------------------- discovery


@dataclass
class Session:
    """One input file of the batch and what goes with it."""

    path: str
    """As found (relative paths stay relative): reports show it as the input."""
    rel: str
    """POSIX path relative to the batch base; reports mirror it under ``--out``."""
    questions: str | None = None
    meta_file: str | None = None
    candidate: str | None = None
    """The person (for the trend): ``candidate`` in the metadata, else the first folder under the base."""
    date: str | None = None
    candidate_speaker: str | None = None
    interviewer_speaker: str | None = None
    problem: str | None = None
    """Why the session cannot be analysed at all (missing file, bad metadata)."""
    roles_from_options: bool = False
    """The speaker roles came from :class:`SessionDefaults` (the command line), not a metadata sidecar."""


@dataclass(frozen=True)
class SessionDefaults:
    """Batch-wide ``--questions``, ``--candidate`` and ``--interviewer``, for the sessions whose
    sidecars do not say otherwise: a ``.questions.txt`` sidecar replaces ``questions``, and a
    ``.meta.toml`` naming either speaker replaces both speaker options."""

    questions: str | None = None
    candidate_speaker: str | None = None
    interviewer_speaker: str | None = None


def sidecar_suffix(name: str) -> str | None:
    """The sidecar suffix ``name`` ends with (``.questions.txt``...), or None for a session file."""
    return next((suffix for suffix in SIDECAR_SUFFIXES if name.lower().endswith(suffix)), None)


def is_sidecar(name: str) -> bool:
    return sidecar_suffix(name) is not None


def _skipped_name(name: str) -> bool:
    return name.startswith(".") or is_sidecar(name) or name in CONFIG_FILES


def is_own_report(path: str) -> bool:
    """Whether ``path`` is a report this tool wrote (by how the file begins), not a session."""
    signature = _OWN_REPORT.get(os.path.splitext(path)[1].lower())
    if signature is None:
        return False
    try:
        with open(path, "rb") as handle:
            return signature.search(handle.read(2048)) is not None
    except OSError:
        return False


def discover(inputs: Iterable[str], out_dir: Path, defaults: SessionDefaults | None = None) -> list[Session]:
    """Sessions named by ``inputs`` (files, directories searched recursively, glob patterns),
    without sidecars, hidden files, the ``defaults.questions`` file or anything under ``out_dir``;
    searched folders also skip this tool's own reports and earlier batch outputs (folders holding
    ``.batch-state``); sorted by their mirrored path."""
    defaults = defaults or SessionDefaults()
    out_abs = os.path.abspath(out_dir)
    questions_abs = os.path.abspath(defaults.questions) if defaults.questions else None
    found: dict[str, str] = {}  # abspath -> path as found
    anchors: list[str] = []  # directories the relative paths are computed from
    missing: list[str] = []

    def inside_out(path: str) -> bool:
        return os.path.commonpath([os.path.abspath(path), out_abs]) == out_abs

    def add_file(path: str, explicit: bool) -> None:
        if inside_out(path) or (not explicit and (_skipped_name(os.path.basename(path))
                                                  or os.path.abspath(path) == questions_abs
                                                  or is_own_report(path))):
            return
        found.setdefault(os.path.abspath(path), path)
        anchors.append(os.path.dirname(os.path.abspath(path)))

    for arg in inputs:
        if os.path.isdir(arg):
            anchors.append(os.path.abspath(arg))
            for folder, dirs, files in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not inside_out(os.path.join(folder, d))
                                 and not os.path.isdir(os.path.join(folder, d, STATE_DIR)))
                for name in sorted(files):
                    add_file(os.path.join(folder, name), explicit=False)
        elif os.path.exists(arg):
            add_file(arg, explicit=True)
        elif _GLOB_CHARS.search(arg):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if os.path.isfile(m))
            if not matches:
                missing.append(arg)
            for match in matches:
                add_file(match, explicit=False)
        else:
            missing.append(arg)

    base = os.path.commonpath(anchors) if anchors else os.getcwd()
    sessions = [_session(path, Path(os.path.relpath(abspath, base)).as_posix(), defaults)
                for abspath, path in found.items()]
    for arg in missing:
        problem = f"{arg}: no files match this pattern" if _GLOB_CHARS.search(arg) else f"{arg}: no such file"
        sessions.append(Session(path=arg, rel=arg, problem=problem))
    return sorted(sessions, key=lambda s: s.rel)


def _sidecar(path: str, suffix: str) -> str | None:
    stem, _ = os.path.splitext(path)
    candidate = stem + suffix
    return candidate if os.path.isfile(candidate) else None


def _session(path: str, rel: str, defaults: SessionDefaults) -> Session:
    session = Session(path=path, rel=rel, questions=_sidecar(path, QUESTIONS_SUFFIX) or defaults.questions,
                      meta_file=_sidecar(path, META_SUFFIX))
    parts = rel.split("/")
    session.candidate = parts[0] if len(parts) > 1 else None
    session.date = _date_from_names(reversed(parts))
    if session.meta_file:
        try:
            _apply_meta(session, Path(session.meta_file))
        except InputError as exc:
            session.problem = str(exc)
    if not (session.candidate_speaker or session.interviewer_speaker):
        session.candidate_speaker = defaults.candidate_speaker
        session.interviewer_speaker = defaults.interviewer_speaker
        session.roles_from_options = bool(defaults.candidate_speaker or defaults.interviewer_speaker)
    return session


def _date_from_names(names: Iterable[str]) -> str | None:
    for name in names:
        for match in _DATE_IN_NAME.finditer(name):
            try:
                return date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


def _apply_meta(session: Session, path: Path) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read session metadata: {exc}") from None
    unknown = sorted(set(data) - META_KEYS)
    if unknown:
        raise InputError(f"{path}: unknown metadata key {unknown[0]!r}; expected {', '.join(sorted(META_KEYS))}")
    for key in ("candidate", "candidate-speaker", "interviewer-speaker"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{path}: {key} must be a string")
    if "date" in data:
        value = data["date"]
        try:
            session.date = (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()[:10]
        except ValueError:
            raise InputError(f"{path}: date must look like 2026-03-14, got {value!r}") from None
    session.candidate = data.get("candidate", session.candidate)
    session.candidate_speaker = data.get("candidate-speaker")
    session.interviewer_speaker = data.get("interviewer-speaker")


# --------------------------------------------------------------------------- keys and manifests


def session_key(session: Session, fingerprint: dict[str, Any]) -> str:
    """What decides whether a finished report is still valid for this session."""
    material = {
        "input": file_sha256(session.path),
        "questions": file_sha256(session.questions) if session.questions else None,
        "meta": file_sha256(session.meta_file) if session.meta_file else None,
        "analysis": fingerprint,
        "version": __version__,
        "build": build_fingerprint(),
    }
    if session.roles_from_options:  # sidecar roles are covered by the metadata file's hash
        material["roles"] = [session.candidate_speaker, session.interviewer_speaker]
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def report_path(rel: str, fmt: str) -> str:
    """Where a session's report goes, relative to ``--out``: its file name plus the format's
    extension (``a/s1.wav`` -> ``a/s1.wav.json``), so ``s1.wav`` and ``s1.txt`` never collide."""
    from analyzer.renderers import EXTENSIONS

    return f"{rel}{EXTENSIONS[fmt]}"


def manifest_path(out_dir: Path, rel: str) -> Path:
    return out_dir / STATE_DIR / f"{rel}.json"


def read_manifest(out_dir: Path, rel: str) -> dict[str, Any] | None:
    try:
        return json.loads(manifest_path(out_dir, rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(out_dir: Path, rel: str, key: str, formats: list[str]) -> dict[str, Any] | None:
    """The manifest when the session's reports for ``formats`` are finished and unchanged."""
    manifest = read_manifest(out_dir, rel)
    if not manifest or manifest.get("key") != key:
        return None
    outputs = manifest.get("outputs", {})
    for fmt in formats:
        entry = outputs.get(fmt)
        if not entry:
            return None
        target = out_dir / entry["path"]
        if not target.is_file() or (file_sha256(target) != entry["sha256"]
                                    and not (fmt == "json" and _sha256_without_review(target) == entry["sha256"])):
            return None
    return manifest


def _sha256_without_review(path: Path) -> str | None:
    """SHA-256 of a JSON report with a coach's imported review taken out (``review import`` adds it
    beside the tool's fields), so a reviewed report still counts as the one the batch wrote; ``None``
    when the file holds no review or is not JSON."""
    from analyzer.renderers.json import report_text
    from analyzer.review import has_review, without_review

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not has_review(data):
        return None
    try:
        return hashlib.sha256(report_text(without_review(data)).encode("utf-8")).hexdigest()
    except (TypeError, AttributeError):  # a hand-edited file of another shape
        return None


# --------------------------------------------------------------------------- session metrics


def session_metrics(report: "Report") -> dict[str, Any]:
    """Summary numbers of one analysed session (see :data:`METRIC_COLUMNS`), pooled over its answers.

    Uses the answers' metrics where the checks wrote them (``words``, ``speech_s``, ``fillers``,
    ``star``, ``enthusiasm``) and leaves a number empty when no check measured it."""
    checks = report.summary.get("checks", {})
    answers = report.answers
    words = [_int_metric(a, "words") if _int_metric(a, "words") is not None else count_words(a.answer.text)
             for a in answers]
    durations = [a.answer.duration_s for a in answers]
    speaking = [a.metrics.get("speech_s") or d for a, d in zip(answers, durations)]
    out: dict[str, Any] = {key: None for key in METRIC_COLUMNS}
    out["candidate_words"] = report.summary.get("candidate_words")
    out["score"] = report.summary.get("score")
    timed = [(w, t) for w, t in zip(words, speaking) if t]
    if timed:
        out["words_per_minute"] = round(60 * sum(w for w, _ in timed) / sum(t for _, t in timed), 1)
    fillers = [_filler_count(a, FILLER_CODE in checks) for a in answers]
    counted = [(f, w, d) for f, w, d in zip(fillers, words, durations) if f is not None]
    if counted and sum(w for _, w, _ in counted):
        out["fillers_per_100_words"] = round(100 * sum(f for f, _, _ in counted) / sum(w for _, w, _ in counted), 2)
    timed_fillers = [(f, d) for f, _, d in counted if d]
    if timed_fillers:
        out["fillers_per_minute"] = round(60 * sum(f for f, _ in timed_fillers) / sum(d for _, d in timed_fillers), 2)
    star_parts = [_star_parts(a) for a in answers] if STAR_CODE in checks else []
    shares = [len(parts) / len(STAR_PARTS) for parts in star_parts if parts is not None]
    if shares:
        out["star_coverage"] = round(100 * sum(shares) / len(shares), 1)
    scores = [a.metrics["enthusiasm"]["score"] for a in answers
              if isinstance(a.metrics.get("enthusiasm"), dict) and "score" in a.metrics["enthusiasm"]]
    if scores:
        out["enthusiasm"] = round(sum(scores) / len(scores), 1)
    return {
        "answers": len(answers),
        "duration_s": report.input.get("duration_s"),
        **out,
        "flags_total": sum(report.summary.get("flags", {}).values()),
        "worst_severity": report.summary.get("worst_severity"),
        "flags": dict(report.summary.get("flags", {})),
    }


def _int_metric(answer: "Answer", key: str) -> int | None:
    value = answer.metrics.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _filler_count(answer: "Answer", filler_check_ran: bool) -> int | None:
    """``metrics.fillers`` of the answer, else its ``filler`` annotations when the filler check ran."""
    count = _int_metric(answer, "fillers")
    if count is None and filler_check_ran:
        count = sum(1 for x in answer.annotations if x.kind == "filler")
    return count


def _star_parts(answer: "Answer") -> set[str] | None:
    """STAR parts found in an answer the STAR check assessed (``metrics.star.parts_present``) and
    not counted missing by it (``metrics.star.missing``: an Action told only with "we" is found yet
    missing); ``None`` when the check did not assess it."""
    star = answer.metrics.get("star")
    if isinstance(star, dict) and isinstance(star.get("parts_present"), list):
        missing = star.get("missing") if isinstance(star.get("missing"), list) else []
        return (set(star["parts_present"]) - set(missing)) & set(STAR_PARTS)
    return None


# --------------------------------------------------------------------------- workers


@dataclass
class Task:
    session: Session
    key: str
    out_dir: str
    formats: list[str]


@dataclass
class Outcome:
    rel: str
    ok: bool
    error: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    seconds: float = 0.0
    reused: bool = False
    review: dict[str, Any] | None = None
    """A coach's review found in the previous JSON report when the session was redone: ``kept`` and
    ``unmatched`` verdicts, ``error`` when it could not be read, and ``backup``, the previous report's
    copy under ``--out`` when not every verdict could be carried over."""


_WORKER_ANALYZER: "Analyzer | None" = None


def _init_worker(config: Config, audio: dict[str, Any], log_level: int, parent_pid: int, slots: Any, jobs: int) -> None:
    """Runs once in each worker process: one Analyzer, so models load once per worker.
    Workers share the cores out (no oversubscription), log at the parent's level, ignore
    Ctrl-C (the parent stops them) and die with the parent on Linux."""
    import signal

    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(log_level)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    with slots.get_lock():
        slot = slots.value
        slots.value += 1
    _use_share_of_cores(slot % jobs, jobs)
    _build_analyzer(config, audio)


def _use_share_of_cores(slot: int, jobs: int) -> None:
    """Pin this worker to its own ``cores // jobs`` cores (Linux) before any model loads, so
    CTranslate2 and torch, which size their thread pools from the usable cores, do not run
    ``jobs`` times too many threads."""
    if not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    share = len(cores) // jobs
    if share < 1:
        return
    os.sched_setaffinity(0, cores[slot * share:(slot + 1) * share])
    os.environ.setdefault("OMP_NUM_THREADS", str(share))


def _build_analyzer(config: Config, audio: dict[str, Any]) -> None:
    from analyzer.pipeline import Analyzer

    global _WORKER_ANALYZER
    _WORKER_ANALYZER = Analyzer(config, audio=audio)


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this worker when the batch process dies (prctl PR_SET_PDEATHSIG),
    so a killed batch leaves no orphan still writing into ``--out``."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)


def analyse_task(task: Task) -> Outcome:
    """Analyse one session, write its reports and then its manifest (all atomically)."""
    from analyzer.renderers import render

    assert _WORKER_ANALYZER is not None, "worker not initialised"
    session, out_dir = task.session, Path(task.out_dir)
    started = time.perf_counter()
    try:
        report = _WORKER_ANALYZER.analyze(
            Path(session.path),
            questions=Path(session.questions) if session.questions else None,
            candidate=session.candidate_speaker,
            interviewer=session.interviewer_speaker,
        )
        outputs = {}
        review = None
        for fmt in task.formats:
            rel_out = report_path(session.rel, fmt)
            text = render(report, fmt, out_path=out_dir / rel_out, settings=_WORKER_ANALYZER.config.settings)
            written = text
            if fmt == "json":
                written, review = _keep_review(out_dir, rel_out, text)
            atomic_write_text(out_dir / rel_out, written)
            # the tool's own text: a coach review merged into the file does not make it stale
            outputs[fmt] = {"path": rel_out, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
        metrics = session_metrics(report)
    except (ConfigError, ModelMissingError):
        raise  # the same for every session: stop the batch with this one line
    except AnalyzerError as exc:
        error = str(exc)
        if isinstance(exc, SpeakerChoiceError) and session.meta_file and not session.roles_from_options:
            # the speaker names came from the .meta.toml sidecar, not from options the user never gave
            error = f"{session.meta_file}: {exc.worded('candidate-speaker', 'interviewer-speaker')}"
        return Outcome(session.rel, ok=False, error=error, seconds=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - one broken session must not stop the batch
        log.debug("internal error on %s", session.path, exc_info=True)
        return Outcome(session.rel, ok=False, error=f"{session.path}: internal error: {type(exc).__name__}: {exc}",
                       seconds=time.perf_counter() - started)
    previous = read_manifest(out_dir, session.rel)
    if previous and previous.get("key") == task.key:
        outputs = {**previous.get("outputs", {}), **outputs}
    manifest = {"key": task.key, "input": session.path, "tool_version": __version__,
                "outputs": dict(sorted(outputs.items())), "metrics": metrics}
    atomic_write_text(manifest_path(out_dir, session.rel), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Outcome(session.rel, ok=True, metrics=metrics, outputs=manifest["outputs"],
                   seconds=time.perf_counter() - started, review=review)


def _keep_review(out_dir: Path, rel_out: str, text: str) -> tuple[str, dict[str, Any] | None]:
    """The new JSON report ``text`` with the coach's verdicts of the report it replaces carried over
    (:func:`analyzer.review.carry_over`), and what happened to them (see :attr:`Outcome.review`).
    When some cannot be carried over, the previous report is first copied (atomically) to
    ``<report>.reviewed-<time>.json`` beside it, so no verdict is lost."""
    from analyzer.renderers.json import report_text
    from analyzer.review import carry_over, has_review, load_report, validate_report

    path = out_dir / rel_out
    try:
        old_text = path.read_text(encoding="utf-8")
        previous = json.loads(old_text)
    except (OSError, ValueError):  # no previous report (or not one we can read): nothing to carry over
        return text, None
    if not isinstance(previous, dict) or not has_review(previous):
        return text, None
    outcome: dict[str, Any] = {"kept": 0, "unmatched": 0}
    result = text
    try:
        previous = load_report(path)  # the review it holds is well-formed
        merged, outcome["kept"], unmatched = carry_over(previous, json.loads(text))
        outcome["unmatched"] = len(unmatched)
        for reason in unmatched:
            log.info("%s: coach verdict not carried over: %s", rel_out, reason)
        if outcome["kept"]:
            validate_report(merged, rel_out, "report after carrying the review over")
            result = report_text(merged)
    except AnalyzerError as exc:
        outcome = {"kept": 0, "unmatched": None, "error": str(exc)}
        result = text
    if outcome.get("unmatched") != 0:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = f"{rel_out[: -len('.json')]}.reviewed-{stamp}.json"
        atomic_write_text(out_dir / backup, old_text)
        outcome["backup"] = backup
    return result, outcome


# --------------------------------------------------------------------------- the run


def default_jobs() -> int:
    """Worker processes by default: the usable cores, at most 2 (each worker holds its own models)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 2))


@dataclass
class BatchResult:
    sessions: list[Session]
    outcomes: dict[str, Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if not o.ok]

    def findings(self, config: Config) -> list[Outcome]:
        """Analysed sessions (new or unchanged) with a flag at or above ``config.fail_on``."""
        return [o for o in self.outcomes.values() if o.ok and config.fails(o.metrics.get("worst_severity"))]


class BatchLock:
    """An exclusive lock on ``--out`` so two batches never write the same directory at once."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK_FILE
        self._stream: io.TextIOWrapper | None = None

    def __enter__(self) -> "BatchLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = open(self.path, "a", encoding="utf-8")
        except (FileExistsError, NotADirectoryError):
            raise ConfigError(f"--out {self.path.parent} is a file, or inside one, not a directory") from None
        except OSError as exc:
            raise ConfigError(f"cannot write to --out {self.path.parent}: {exc.strerror or exc}") from None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return self
        try:
            fcntl.flock(self._stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._stream.close()
            raise ConfigError(f"another batch is writing to {self.path.parent}; wait for it or choose another --out") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream:
            self._stream.close()  # closing releases the lock


def run_batch(
    inputs: list[str],
    out_dir: Path,
    config: Config,
    *,
    audio: dict[str, Any] | None = None,
    formats: list[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    defaults: SessionDefaults | None = None,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Session, Outcome], None] | None = None,
) -> BatchResult:
    """Analyse every session under ``inputs`` into ``out_dir`` and write the summary files.

    ``audio`` overrides the ``[audio]`` settings (``engine``, ``model``, ``speakers``) and ``defaults``
    gives the sessions without sidecars their questions and speaker roles; both are part of the
    resumption key. ``config.fail_on`` is not: see :meth:`BatchResult.findings`."""
    from analyzer.renderers import RENDERERS

    formats = formats or list(RENDERERS)
    audio = {k: v for k, v in (audio or {}).items() if k != "quiet"}
    if audio.get("engine"):
        from analyzer.asr import engine_name

        engine_name(audio["engine"])  # a wrong name stops the batch before any work
    if defaults and defaults.questions and not os.path.isfile(defaults.questions):
        raise ConfigError(f"--questions file not found: {defaults.questions}")
    fingerprint = {**config.fingerprint(), "audio_overrides": dict(sorted(audio.items()))}
    sessions = discover(inputs, out_dir, defaults)
    if not sessions:
        raise InputError(f"no input files found in {', '.join(inputs)}")
    with BatchLock(out_dir):
        if on_start:
            on_start(len(sessions))
        outcomes: dict[str, Outcome] = {}

        def record(session: Session, outcome: Outcome) -> None:
            outcome.outputs = {fmt: entry for fmt, entry in outcome.outputs.items() if fmt in formats}
            outcomes[session.rel] = outcome
            if on_outcome:
                on_outcome(session, outcome)

        tasks = []
        for session in sessions:
            if session.problem:
                record(session, Outcome(session.rel, ok=False, error=session.problem))
                continue
            try:
                key = session_key(session, fingerprint)
            except OSError as exc:
                record(session, Outcome(session.rel, ok=False, error=f"{session.path}: cannot read: {exc.strerror}"))
                continue
            done = None if force else is_complete(out_dir, session.rel, key, formats)
            if done:
                record(session, Outcome(session.rel, ok=True, metrics=done.get("metrics", {}),
                                        outputs=done["outputs"], reused=True))
            else:
                tasks.append(Task(session, key, str(out_dir), formats))
        by_rel = {s.rel: s for s in sessions}
        worker_audio = {**audio, "quiet": True}
        runner = _run_inline if jobs <= 1 or len(tasks) <= 1 else _run_pool
        for outcome in runner(tasks, config, worker_audio, jobs):
            record(by_rel[outcome.rel], outcome)
        result = BatchResult(sessions, outcomes)
        write_summary(result, out_dir, config)
    return result


def _run_inline(tasks: list[Task], config: Config, audio: dict[str, Any], jobs: int) -> Iterator[Outcome]:
    if tasks:
        _build_analyzer(config, audio)
    for task in tasks:
        yield analyse_task(task)


def _run_pool(tasks: list[Task], config: Config, audio: dict[str, Any], jobs: int) -> Iterator[Outcome]:
    """Worker processes (spawned, one Analyzer each), at most two sessions queued per worker.
    If a worker dies (out of memory, a crash in native code), the sessions it was running are
    recorded as failed and a fresh pool carries on with the others."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending = deque(tasks)
    while pending:
        pool = worker_pool(config, audio, min(jobs, len(pending)))
        running: dict[Any, Task] = {}
        broken = False
        try:
            while running or (pending and not broken):
                while pending and not broken and len(running) < 2 * jobs:
                    try:
                        future = pool.submit(analyse_task, pending[0])
                    except BrokenProcessPool:
                        broken = True
                        break
                    running[future] = pending.popleft()
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        yield Outcome(task.session.rel, ok=False,
                                      error=f"{task.session.path}: the worker process died while analysing it "
                                            "(out of memory or a crash in a native library)")
                if broken:  # the rest may only have been queued: give them a fresh pool
                    pending.extendleft(reversed(list(running.values())))
                    running.clear()
        except BaseException:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)


def worker_pool(config: Config, audio: dict[str, Any], jobs: int) -> "ProcessPoolExecutor":
    """``jobs`` spawned worker processes that each build one :class:`Analyzer` when they start and keep
    it (models load once per worker), each on its share of the cores, dying with this process; submit
    :func:`analyse_task` to it. The batch and the coach workspace run their sessions this way."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    slots = context.Value("i", 0)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                               initargs=(config, audio, log.getEffectiveLevel(), os.getpid(), slots, jobs))


def _stop_pool(pool: Any) -> None:
    """Interrupted: drop queued work and end the workers now instead of after their current session."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


# --------------------------------------------------------------------------- summary


def summary_rows(result: BatchResult, config: Config) -> list[dict[str, Any]]:
    codes = config.enabled_codes()
    rows = []
    for session in result.sessions:
        outcome = result.outcomes[session.rel]
        metrics = outcome.metrics if outcome.ok else {}
        row: dict[str, Any] = {
            "input": session.path,
            "session": session.rel,
            "candidate": session.candidate,
            "date": session.date,
            "status": "ok" if outcome.ok else "failed",
            "error": outcome.error,
            "answers": metrics.get("answers"),
            "duration_s": metrics.get("duration_s"),
            **{key: metrics.get(key) for key in METRIC_COLUMNS},
            "flags_total": metrics.get("flags_total"),
            "worst_severity": metrics.get("worst_severity"),
            "flags": ({code: metrics.get("flags", {}).get(code, 0)
                       for code in sorted({*codes, *metrics.get("flags", {})})} if outcome.ok else {}),
            "reports": {fmt: entry["path"] for fmt, entry in outcome.outputs.items()},
        }
        rows.append(row)
    return rows


def _csv_text(rows: list[dict[str, Any]]) -> str:
    flag_codes = sorted({code for row in rows for code in row["flags"]})
    formats = sorted({fmt for row in rows for fmt in row["reports"]})
    scalar = [k for k in rows[0] if k not in {"flags", "reports"}]
    header = [*scalar, *(f"flags.{c}" for c in flag_codes), *(f"report.{f}" for f in formats)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([*("" if row[k] is None else row[k] for k in scalar),
                         *(row["flags"].get(c, "") for c in flag_codes),
                         *(row["reports"].get(f, "") for f in formats)])
    return buffer.getvalue()


def write_summary(result: BatchResult, out_dir: Path, config: Config) -> None:
    """``summary.json``, ``summary.csv``, ``errors.json`` and ``index.html`` (each atomically)."""
    rows = summary_rows(result, config)
    ok = sum(1 for r in rows if r["status"] == "ok")
    payload = {
        "tool": {"name": "interview-analyzer", "version": __version__},
        "sessions": len(rows),
        "succeeded": ok,
        "failed": len(rows) - ok,
        "columns": {"duration_s": "Recording length in seconds (recordings only)", **METRIC_COLUMNS},
        "rows": rows,
    }
    errors = [{"input": r["input"], "session": r["session"], "error": r["error"]} for r in rows if r["status"] != "ok"]
    atomic_write_text(out_dir / "summary.json", json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out_dir / "summary.csv", _csv_text(rows))
    atomic_write_text(out_dir / "errors.json", json.dumps(errors, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out_dir / "index.html", render_index(payload))


def _report_link(reports: dict[str, str]) -> str | None:
    from urllib.parse import quote

    for fmt in ("html", "md", "json", *sorted(reports)):
        if fmt in reports:
            return quote(reports[fmt])
    return None


def line_chart(points: list[tuple[str, float]], *, out_of_100: bool, width: int = 420, height: int = 180) -> dict[str, Any]:
    """Coordinates of a small SVG line chart (x: sessions in order, y: from 0 to 100 or the maximum)."""
    left, right, top, bottom = 44, 40, 24, 40
    top_value = 100.0 if out_of_100 else max(max(v for _, v in points) * 1.15, 1e-9)
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return round(top + (height - top - bottom) * (1 - value / top_value), 1)

    marks = [{"x": round(left + i * step, 1), "y": y(v), "label": label, "value": v} for i, (label, v) in enumerate(points)]
    ticks = [{"y": y(top_value * f), "value": f"{top_value * f:.3g}"} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "left": left, "bottom": height - bottom, "right": width - right,
            "points": marks, "ticks": ticks, "polyline": " ".join(f"{m['x']},{m['y']}" for m in marks)}


def candidate_trends(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per candidate with at least two analysed sessions: one chart per metric with two or more values."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["candidate"] and row["status"] == "ok":
            groups.setdefault(row["candidate"], []).append(row)
    trends = []
    for name in sorted(groups):
        sessions = sorted(groups[name], key=lambda r: (r["date"] or "", r["session"]))
        if len(sessions) < 2:
            continue
        charts = []
        for key, title in TREND_METRICS.items():
            points = [(r["date"] or Path(r["session"]).name, r[key]) for r in sessions if r[key] is not None]
            if len(points) >= 2:
                charts.append({"title": title, **line_chart(points, out_of_100=key in OUT_OF_100)})
        trends.append({"candidate": name, "sessions": len(sessions), "charts": charts})
    return trends


def render_index(payload: dict[str, Any]) -> str:
    """The self-contained ``index.html`` (Jinja2, autoescaped; no external resources)."""
    import jinja2

    from analyzer.renderers.html import TEMPLATE_DIR

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    rows = [{**row, "link": _report_link(row["reports"])} for row in payload["rows"]]
    return env.get_template("batch_index.html.j2").render(
        summary=payload, rows=rows, trends=candidate_trends(payload["rows"]), metric_titles=METRIC_COLUMNS)


# --------------------------------------------------------------------------- console


class ConsoleProgress:
    """One overall rich progress bar on stderr and a status line per session (``quiet``: failures only)."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.quiet = quiet
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> "ConsoleProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, total: int) -> None:
        if self.quiet:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  TextColumn("eta"), TimeRemainingColumn(), console=self.console, transient=False)
        self._progress.start()
        self._task = self._progress.add_task("batch", total=total)

    def outcome(self, session: Session, outcome: Outcome) -> None:
        from rich.text import Text

        if outcome.ok and outcome.reused:
            line = Text.assemble(("skip ", "dim"), session.rel, (" (unchanged, report complete)", "dim"))
        elif outcome.ok:
            m = outcome.metrics
            line = Text.assemble(("ok   ", "green"), session.rel,
                                 f" ({m.get('answers')} answers, {m.get('flags_total')} flags, {outcome.seconds:.1f} s)")
            note = review_note(outcome.review)
            if note:
                line.append(f"; {note}", style="yellow" if outcome.review.get("backup") else None)
        else:
            error = outcome.error or ""
            error = error[len(session.path) + 2:] if error.startswith(f"{session.path}: ") else error
            line = Text.assemble(("FAIL ", "bold red"), session.rel, ": ", error)
        if self._progress is not None:
            self._progress.console.print(line, soft_wrap=True)
            self._progress.advance(self._task)
        elif not outcome.ok or (outcome.review and outcome.review.get("backup")):  # quiet: a lost verdict is news
            self.console.print(line, soft_wrap=True)


def review_note(review: dict[str, Any] | None) -> str | None:
    """What became of a coach's review when its session was redone (see :attr:`Outcome.review`)."""
    if not review:
        return None
    if review.get("error"):
        note = f"coach review not carried over: {review['error']}"
    else:
        kept, unmatched = review["kept"], review["unmatched"]
        note = f"coach review: {kept} verdict{'' if kept == 1 else 's'} kept"
        if unmatched:
            note += f", {unmatched} no longer match{'es' if unmatched == 1 else ''} a flag"
    if review.get("backup"):
        note += f"; previous report saved as {review['backup']}"
    return note
