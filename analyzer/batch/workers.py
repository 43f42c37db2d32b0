"""Analysing sessions: one Analyzer per worker process (models load once), reports then manifest
written atomically, a coach's review carried over, a dead worker's sessions failed and the rest redone."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import deque
from glob import escape as glob_escape
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from analyzer import __version__
from analyzer.batch.discovery import Session
from analyzer.batch.manifests import manifest_path, read_manifest, report_path
from analyzer.batch.metrics import session_metrics
from analyzer.config import Config
from analyzer.errors import AnalyzerError, ConfigError, ModelMissingError
from analyzer.fileio import atomic_write_text
from analyzer.speakers.roles import SpeakerChoiceError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from analyzer.pipeline import Analyzer

log = logging.getLogger("analyzer")


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
    use_share_of_cores(slot % jobs, jobs)
    build_analyzer(config, audio)


def use_share_of_cores(slot: int, jobs: int) -> None:
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


def build_analyzer(config: Config, audio: dict[str, Any]) -> None:
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
    from analyzer.report import render

    assert _WORKER_ANALYZER is not None, "worker not initialised"
    session, out_dir = task.session, Path(task.out_dir)
    started = time.perf_counter()
    remove_temporary_files(out_dir, session.rel, task.formats)
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
                written, review = keep_review(out_dir, rel_out, text)
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


def remove_temporary_files(out_dir: Path, rel: str, formats: list[str]) -> None:
    """Remove what an earlier attempt at this session left half-written when its process was killed
    (the temporary files of :func:`atomic_write_text`, never a finished report)."""
    targets = [out_dir / report_path(rel, fmt) for fmt in formats] + [manifest_path(out_dir, rel)]
    for target in targets:
        for leftover in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
            leftover.unlink(missing_ok=True)


def keep_review(out_dir: Path, rel_out: str, text: str) -> tuple[str, dict[str, Any] | None]:
    """The new JSON report ``text`` with the coach's verdicts of the report it replaces carried over
    (:func:`analyzer.report.review.carry_over`), and what happened to them (see :attr:`Outcome.review`).
    When some cannot be carried over, the previous report is first copied (atomically) to
    ``<report>.reviewed-<time>.json`` beside it, so no verdict is lost."""
    from analyzer.report.json import report_text
    from analyzer.report.review import carry_over, has_review, load_report, validate_report

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


def longest_first(tasks: list[Task]) -> list[Task]:
    """Start order for parallel runs: recordings before transcripts, each by size, largest first, so the
    longest sessions do not start last and leave the other workers idle at the end (the file size stands
    in for the length: cheap to read, no decoding)."""
    from analyzer.readers import AUDIO_EXTENSIONS

    def size(task: Task) -> tuple[bool, int]:
        try:
            length = os.path.getsize(task.session.path)
        except OSError:
            length = 0
        return os.path.splitext(task.session.path)[1].lower() in AUDIO_EXTENSIONS, length

    return sorted(tasks, key=size, reverse=True)


def default_jobs() -> int:
    """Worker processes by default: the usable cores, at most 2 (each worker holds its own models)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 2))


def run_inline(tasks: list[Task], config: Config, audio: dict[str, Any], jobs: int) -> Iterator[Outcome]:
    if tasks:
        build_analyzer(config, audio)
    for task in tasks:
        yield analyse_task(task)


def run_pool(tasks: list[Task], config: Config, audio: dict[str, Any], jobs: int) -> Iterator[Outcome]:
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
            stop_pool(pool)
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


def stop_pool(pool: Any) -> None:
    """Interrupted: drop queued work and end the workers now instead of after their current session."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
