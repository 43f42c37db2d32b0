#!/usr/bin/env python3
"""Stage-by-stage seconds of one ``interview-analyzer analyze`` run, in this process.

    python scripts/bench_stages.py INPUT OUT_DIR [--formats json,md,html]

Wraps a timer around the functions that make up each stage (decode, VAD, ASR first and second
pass, diarization, parse, each check, each renderer, model loading), wherever a module holds them,
then runs the CLI. Wall and CPU (all threads) times are exclusive (a stage called inside another counts in itself only);
"other" is the rest of the run's wall time. Prints a table, and the figures as JSON on the last
line (``scripts/bench_e2e.py`` reads it). Use a cold ``INTERVIEW_ANALYZER_CACHE`` to time the ASR.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES: list[tuple[str, str, str]] = [
    ("decode", "analyzer.readers.audio", "decode_audio"),
    ("VAD (Silero)", "analyzer.asr.vad", "speech_regions"),
    ("ASR model load", "analyzer.asr", "get_engine"),
    ("ASR first pass", "analyzer.asr", "transcribe"),
    ("ASR second pass", "analyzer.asr", "recover_dropped_speech"),
    ("diarization", "analyzer.speakers.diarize", "diarize"),
    ("roles + pairing", "analyzer.speakers.roles", "assign_roles"),
    ("roles + pairing", "analyzer.pairing", "pair"),
    ("spaCy load", "analyzer.text.nlp", "load_spacy"),
    ("batched pass: spaCy parse of every answer (nlp.pipe)", "analyzer.checks.prepare", "prepare"),
    ("filler detection (in rambling + filler-words)", "analyzer.detectors.fillers.model", "detect_fillers"),
    ("drift: sentence encoder (in rambling)", "analyzer.checks.rambling", "_topic_similarities"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.encoder", "load_encoder"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.encoder", "load_context_encoder"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.enthusiasm", "load_model"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.star", "load_model"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.fillers.model", "load_model"),
    ("model loading (encoders, classifiers)", "analyzer.detectors.negativity.model", "load_model"),
]

walls: dict[str, float] = defaultdict(float)
cpus: dict[str, float] = defaultdict(float)
_local = threading.local()  # per thread: [wall, CPU] seconds spent in nested stages, per open stage


def timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` timed into ``label`` (wall and CPU, less the stages nested in it). In the main thread CPU is the
    process's (the engines' own threads included); in another thread (the pipeline's model preloading, which
    overlaps diarization) it is that thread's own, and the label says "background"."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        main = threading.current_thread() is threading.main_thread()
        clock = time.process_time if main else time.thread_time
        name = label if main else f"{label} (background thread, during diarization)"
        stack = _local.__dict__.setdefault("stack", [])
        stack.append([0.0, 0.0])
        started, started_cpu = time.perf_counter(), clock()
        try:
            return func(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - started, clock() - started_cpu
            nested_wall, nested_cpu = stack.pop()
            walls[name] += wall - nested_wall
            cpus[name] += cpu - nested_cpu
            if stack:
                stack[-1][0] += wall
                stack[-1][1] += cpu

    return wrapper


def patch(label: str, owner: Any, name: str) -> None:
    """Replace ``owner.name`` and every analyzer module's global bound to the same object."""
    original = getattr(owner, name)
    wrapped = timed(label, original)
    if hasattr(original, "cache_clear"):  # an lru_cache (the pipeline releases Whisper with it)
        wrapped.cache_clear = original.cache_clear  # type: ignore[attr-defined]
    for module in [m for n, m in list(sys.modules.items()) if n.startswith("analyzer") and m is not None]:
        for key, value in list(vars(module).items()):
            if value is original:
                setattr(module, key, wrapped)
    setattr(owner, name, wrapped)


def install() -> None:
    from analyzer.checks import registry
    from analyzer.checks.context import AnswerContext
    from analyzer.report import RENDERERS

    for label, module_name, attribute in STAGES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attribute):
            patch(label, module, attribute)
    AnswerContext.doc.func = timed("spaCy parse", AnswerContext.doc.func)  # a cached_property
    from analyzer.text.encoder import ContextEncoder

    patch("sentence vectors (MiniLM for drift and negativity, mpnet for question kinds)", ContextEncoder,
          "_encode_sentences")
    for code, module in registry().items():
        patch(f"check {code}", module, "check")
    for fmt, renderer in list(RENDERERS.items()):
        RENDERERS[fmt] = timed(f"render {fmt}", renderer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--formats", default="json,md,html")
    args = parser.parse_args()

    started, started_cpu = time.perf_counter(), time.process_time()
    import analyzer.cli  # noqa: F401 - the CLI's own imports
    import analyzer.pipeline  # noqa: F401
    import analyzer.recording  # noqa: F401

    imports = (time.perf_counter() - started, time.process_time() - started_cpu)
    install()
    from analyzer.cli import app

    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        app(["analyze", str(args.input), "--out", str(args.out), "--format", args.formats, "-q"],
            standalone_mode=False)
    except SystemExit:
        pass
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    rows = [("imports (CLI, pipeline, recording)", *imports)]
    rows += sorted(((label, walls[label], cpus[label]) for label in walls), key=lambda row: -row[1])
    main = [label for label in walls if "background" not in label]
    rows.append(("other (pipeline glue, lazy imports, writing files)", wall - sum(walls[k] for k in main),
                 cpu - sum(cpus[k] for k in main)))
    for label, seconds, cpu_seconds in rows:
        print(f"{label:<55} {seconds:7.2f} s wall {cpu_seconds:7.2f} s CPU", file=sys.stderr)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
