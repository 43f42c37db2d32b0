#!/usr/bin/env python3
"""Speed and memory of each ASR engine on the same audio, in one run.

Each engine runs in its own subprocess (so peak RSS is its own): decode + VAD, model load,
then transcription with the default options (filler prompt on, beam 5, word timestamps).
Real-time factor = audio seconds / transcription wall seconds (higher is faster). On a
shared machine the wall clock includes waiting for the CPU, so the child also reports its
CPU seconds and "RTF if idle" = audio seconds / (CPU seconds / usable cores), what the
wall-clock RTF would be with the cores to itself. Peak RSS comes from ``resource.getrusage``
in the child. The machine's load average is printed before and after.

Usage::

    python scripts/bench_asr.py [AUDIO] [--engines faster-whisper,openai-whisper] [--models tiny.en,base] [--repeat 1]

AUDIO defaults to sample_transcripts/mock_interview_audio.ogg.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AUDIO = ROOT / "sample_transcripts" / "mock_interview_audio.ogg"


def child(engine_name: str, model: str, audio_path: Path, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from analyzer import asr
    from analyzer.asr.vad import speech_regions
    from analyzer.readers.audio import decode_audio

    started = time.perf_counter()
    audio = decode_audio(audio_path)
    speech = speech_regions(audio.samples)
    decode_vad_s = time.perf_counter() - started

    started = time.perf_counter()
    engine = asr.get_engine(engine_name, model)
    load_s = time.perf_counter() - started

    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        segments = asr.transcribe(audio, engine, asr.AsrOptions(), speech)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu_seconds() - cpu_started)
    wall, cpu = min(walls), min(cpus)
    cores = len(os.sched_getaffinity(0))
    return {
        "engine": engine_name,
        "model": engine.model,
        "audio_s": round(audio.duration_s, 2),
        "decode_vad_s": round(decode_vad_s, 2),
        "load_s": round(load_s, 2),
        "transcribe_s": round(wall, 2),
        "rtf": round(audio.duration_s / wall, 2),
        "cpu_s": round(cpu, 2),
        "rtf_if_idle": round(audio.duration_s / (cpu / cores), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "words": sum(len(s.words) for s in segments),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("audio", nargs="?", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--engines", default="faster-whisper,openai-whisper")
    parser.add_argument("--models", default="tiny.en", help="comma-separated --model values, each run with every engine")
    parser.add_argument("--repeat", type=int, default=1, help="transcriptions per engine; the fastest counts")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.child_model, args.audio, args.repeat)))
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
          f"{platform.python_implementation()} {platform.python_version()}; load average before: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = []
    for model, name in [(m, e) for m in args.models.split(",") for e in args.engines.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, str(args.audio), "--child", name, "--child-model", model, "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n| engine | model | audio s | load s | transcribe s (wall) | RTF (wall) | CPU s | RTF if idle | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['model']} | {r['audio_s']} | {r['load_s']} | {r['transcribe_s']} | "
              f"{r['rtf']}x | {r['cpu_s']} | {r['rtf_if_idle']}x | {r['peak_rss_mb']} |")
    if len(results) == 2 and results[0]["model"] == results[1]["model"]:
        print(f"\n{results[0]['engine']} is {results[1]['transcribe_s'] / results[0]['transcribe_s']:.1f}x faster "
              f"(wall) and uses {results[1]['cpu_s'] / results[0]['cpu_s']:.1f}x less CPU than "
              f"{results[1]['engine']} on the same audio and weights.")


if __name__ == "__main__":
    main()
