"""A batch run: discover the sessions, skip the finished ones, analyse the rest, write the summary
(the output layout and the rules of resumption are in :mod:`analyzer.batch`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from analyzer.batch.discovery import Session, SessionDefaults, discover
from analyzer.batch.lock import BatchLock
from analyzer.batch.manifests import is_complete, session_key
from analyzer.batch.summary import write_summary
from analyzer.batch.workers import BatchResult, Outcome, Task, longest_first, run_inline, run_pool
from analyzer.config import Config
from analyzer.errors import ConfigError, InputError


def run_batch(
    inputs: list[str],
    out_dir: Path,
    config: Config,
    *,
    audio: dict[str, Any] | None = None,
    formats: list[str] | None = None,
    jobs: int | None = 1,
    force: bool = False,
    ray: str | None = None,
    defaults: SessionDefaults | None = None,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Session, Outcome], None] | None = None,
) -> BatchResult:
    """Analyse every session under ``inputs`` into ``out_dir`` and write the summary files.

    ``audio`` overrides the ``[audio]`` settings (``engine``, ``model``, ``speakers``) and ``defaults``
    gives the sessions without sidecars their questions and speaker roles; both are part of the
    resumption key. ``config.fail_on`` is not: see :meth:`BatchResult.findings`.

    ``ray`` is a Ray cluster's address (``auto`` or ``HOST:PORT``): the sessions are analysed there by at
    most ``jobs`` actors (``None``: one per slot of the cluster) instead of local worker processes
    (:mod:`analyzer.batch.cluster`); inputs and ``out_dir`` must be on paths every node sees."""
    from analyzer.report import RENDERERS

    if ray:
        from analyzer.batch.cluster import require_ray

        require_ray()  # without the extra: one line naming the install command, before any work

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
        if ray:
            from analyzer.batch.cluster import run_ray

            outcomes_of_tasks = run_ray(longest_first(tasks), config, worker_audio, ray, jobs)
        elif (jobs or 1) <= 1 or len(tasks) <= 1:
            outcomes_of_tasks = run_inline(tasks, config, worker_audio, 1)
        else:
            outcomes_of_tasks = run_pool(longest_first(tasks), config, worker_audio, jobs or 1)
        for outcome in outcomes_of_tasks:
            record(by_rel[outcome.rel], outcome)
        result = BatchResult(sessions, outcomes)
        write_summary(result, out_dir, config)
    return result
