#!/usr/bin/env python3
"""End-to-end speed and memory of the whole CLI (issue #25): one command, one table.

    python scripts/bench_e2e.py [--runs 3] [--skip-openai] [--no-profile]

Measures, each as the median of ``--runs`` runs in fresh processes:

* **audio**: ``python -m analyzer analyze REC --format json,md,html`` on a ~5-minute two-person
  recording built from the bundled samples (``sample_transcripts/*_audio.ogg`` joined with short
  pauses), with a cold transcript cache (a fresh ``INTERVIEW_ANALYZER_CACHE`` per run) but the model
  files already unpacked (the fresh cache links to the unpacked models of ``--model-cache``);
  real-time factor = audio seconds / wall seconds, CPU seconds (user+sys) and peak RSS of the child
  (``os.wait4``);
* **text**: a long transcript of distinct answers (the sample transcripts once each, then the written answers of
  ``models/star_sentences.jsonl`` under their questions, to about 9,000 candidate words; no answer is repeated, so
  a cache of sentence vectors cannot make it look faster than a real interview): the
  start-up time with every text model loaded (a short transcript analysed first), then the words per
  second of analysis and rendering after start-up; and the whole CLI on it;
* ``--help`` time; ``transcribe`` of the 77 s sample with each engine (``--skip-openai`` skips
  openai-whisper, the slow one);
* a stage-by-stage breakdown (decode, VAD, ASR, second pass, diarization, parse, each check,
  rendering) of one in-process ``analyze`` of the recording, from timers wrapped around those
  functions (exclusive times: a stage nested in another is counted once, in itself).

On a shared machine the wall clock includes waiting for a core: compare CPU seconds too. The load
average (``uptime``) is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bench_batch import cpu_model  # noqa: E402 - scripts/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_transcripts"
AUDIO_PARTS = ("mock_interview_audio.ogg", "weak_candidate_audio.ogg")
TEXT_PARTS = ("strong_candidate.txt", "weak_candidate.vtt", "technical_panel.srt")
TARGET_AUDIO_S = 300.0
TARGET_CANDIDATE_WORDS = 9000
GAP_S = 0.8
FORMATS = "json,md,html"


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_mib: float
    stdout: str


def spawn(args: list[str], env: dict[str, str]) -> Run:
    """Run a command; its wall and CPU seconds and its own peak RSS (``os.wait4`` on it)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err, text=True, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if process.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(args)} exited {process.returncode}:\n{err.read()[-3000:]}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read())


def environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "INTERVIEW_ANALYZER_CACHE": str(cache), "PYTHONPATH": str(ROOT)}


def cold_cache(model_cache: Path, work: Path) -> Path:
    """A fresh cache directory: every unpacked model of ``model_cache`` linked in, no transcripts."""
    fresh = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    for entry in model_cache.iterdir():
        if entry.name != "transcripts" and not entry.name.startswith("."):
            (fresh / entry.name).symlink_to(entry.resolve())
    return fresh


def build_recording(target: Path) -> float:
    """Join the bundled sample recordings (with short pauses) into ~5 minutes of mono 16 kHz audio."""
    import numpy as np
    import soundfile

    parts = []
    for name in AUDIO_PARTS:
        samples, rate = soundfile.read(SAMPLES / name, dtype="float32", always_2d=True)
        if rate != 16000:
            raise SystemExit(f"{name}: expected 16 kHz, got {rate}")
        parts.append(samples.mean(axis=1))
    gap = np.zeros(int(GAP_S * 16000), dtype=np.float32)
    pieces, length, index = [], 0, 0
    while length < TARGET_AUDIO_S * 16000:
        part = parts[index % len(parts)]
        part = part[: int(TARGET_AUDIO_S * 16000) - length] if length + len(part) > TARGET_AUDIO_S * 16000 + 20 * 16000 else part
        pieces += [part, gap]
        length += len(part) + len(gap)
        index += 1
    audio = np.concatenate(pieces)
    soundfile.write(target, audio, 16000, subtype="PCM_16")
    return len(audio) / 16000


def build_long_transcript(target: Path) -> int:
    """The sample transcripts (as 'Interviewer:'/'Candidate:' lines), then distinct written answers under their
    questions, to ~9,000 candidate words."""
    sys.path.insert(0, str(ROOT))
    from analyzer.readers import read_transcript
    from analyzer.speakers.roles import assign_roles
    from analyzer.text.tokens import count_words

    out, words = [], 0
    for name in TEXT_PARTS:
        transcript = read_transcript(SAMPLES / name)
        roles = assign_roles(transcript)
        out += [f"{roles[t.speaker].capitalize()}: {' '.join(t.text.split())}" for t in transcript.turns]
        words += sum(count_words(t.text) for t in transcript.turns if roles[t.speaker] == "candidate")
    answers: dict[str, tuple[str, list[str]]] = {}
    for line in (ROOT / "models" / "star_sentences.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        answers.setdefault(row["answer_id"], (row["question"], []))[1].append(row["text"])
    for question, sentences in answers.values():
        if words >= TARGET_CANDIDATE_WORDS:
            break
        answer = " ".join(sentences)
        out += [f"Interviewer: {question}", f"Candidate: {answer}"]
        words += count_words(answer)
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return words


TEXT_DRIVER = """
import json, sys, time
started = time.perf_counter()
from analyzer.pipeline import Analyzer
from analyzer.report import render
analyzer = Analyzer()
for fmt in ("json", "md", "html"):
    render(analyzer.analyze(sys.argv[1]), fmt)
startup, startup_cpu = time.perf_counter() - started, time.process_time()
started, started_cpu = time.perf_counter(), time.process_time()
report = analyzer.analyze(sys.argv[2])
for fmt in ("json", "md", "html"):
    render(report, fmt)
print(json.dumps({"startup_s": startup, "startup_cpu_s": startup_cpu, "text_s": time.perf_counter() - started,
                  "text_cpu_s": time.process_time() - started_cpu,
                  "candidate_words": report.summary["candidate_words"], "answers": len(report.answers)}))
"""


def median_runs(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.wall_s)
    return ordered[len(ordered) // 2]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


@dataclass
class Bench:
    """What every measurement shares: the command, the caches, the run count and the results."""

    python: list[str]
    model_cache: Path
    work: Path
    runs: int
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)

    def cold(self) -> dict[str, str]:
        return environment(cold_cache(self.model_cache, self.work))

    def warm(self) -> dict[str, str]:
        return environment(self.model_cache)

    def record(self, key: str, run: Run, **extra: object) -> None:
        self.figures[key] = {k: v for k, v in run.__dict__.items() if k != "stdout"} | extra


def bench_help(b: Bench) -> None:
    best = median_runs([spawn(b.python + ["--help"], os.environ | {"PYTHONPATH": str(ROOT)})
                        for _ in range(max(5, b.runs))])
    b.record("help", best)
    b.rows.append(("`--help`", f"{best.wall_s:.2f} s", f"{best.cpu_s:.2f} s", f"{best.peak_mib:.0f} MiB", "< 0.3 s"))


def bench_audio(b: Bench, recording: Path, audio_s: float) -> None:
    command = b.python + ["analyze", str(recording), "--out", str(b.work / "out"), "--format", FORMATS, "-q"]
    runs = [spawn(command, b.cold()) for _ in range(b.runs)]
    best = median_runs(runs)
    cores = os.cpu_count() or 1
    rtf, rtf_cpu = audio_s / best.wall_s, audio_s / (best.cpu_s / cores)
    b.record("audio", best, rtf=rtf, walls=[r.wall_s for r in runs], cpus=[r.cpu_s for r in runs])
    b.rows.append((f"analyze {audio_s / 60:.1f}-min recording → json,md,html (cold cache)",
                   f"{best.wall_s:.1f} s = **{rtf:.1f}× real time**",
                   f"{best.cpu_s:.1f} s ({rtf_cpu:.1f}× if {cores} cores were free)",
                   f"{best.peak_mib:.0f} MiB", "≥ 12×, ≤ 1,229 MiB"))


def bench_text(b: Bench, long_text: Path) -> None:
    runs = [spawn([sys.executable, "-c", TEXT_DRIVER, str(SAMPLES / "strong_candidate.txt"), str(long_text)], b.warm())
            for _ in range(b.runs)]
    parsed = [json.loads(r.stdout.strip().splitlines()[-1]) for r in runs]
    startup = statistics.median(p["startup_s"] for p in parsed)
    startup_cpu = statistics.median(p["startup_cpu_s"] for p in parsed)
    text_s = statistics.median(p["text_s"] for p in parsed)
    text_cpu = statistics.median(p["text_cpu_s"] for p in parsed)
    words = parsed[0]["candidate_words"]
    peak = statistics.median(r.peak_mib for r in runs)
    b.figures["text"] = {"startup_s": startup, "startup_cpu_s": startup_cpu, "text_s": text_s, "text_cpu_s": text_cpu,
                         "candidate_words": words, "peak_mib": peak, "words_per_s": words / text_s}
    b.rows.append(("start-up, every text model loaded (short transcript analysed)", f"{startup:.2f} s",
                   f"{startup_cpu:.2f} s", "", "≤ 5 s"))
    b.rows.append((f"text analysis after start-up: {words:,} candidate words, {parsed[0]['answers']} answers → 3 formats",
                   f"{text_s:.2f} s = **{words / text_s:,.0f} words/s**",
                   f"{text_cpu:.2f} s = {words / text_cpu:,.0f} words per CPU s", f"{peak:.0f} MiB", "≥ 3,000 words/s"))
    command = b.python + ["analyze", str(long_text), "--out", str(b.work / "out"), "--format", FORMATS, "-q"]
    best = median_runs([spawn(command, b.warm()) for _ in range(b.runs)])
    b.record("text_cli", best)
    b.rows.append(("whole CLI on that transcript", f"{best.wall_s:.1f} s", f"{best.cpu_s:.1f} s",
                   f"{best.peak_mib:.0f} MiB", ""))


def bench_transcribe(b: Bench, engines: list[str], audio: Path) -> None:
    best: dict[str, Run] = {}
    for engine in engines:
        command = b.python + ["transcribe", str(audio), "--out", str(b.work / "out" / "t.json"), "-q", "--engine", engine]
        best[engine] = median_runs([spawn(command, b.cold()) for _ in range(b.runs if engine == "faster-whisper" else 1)])
        b.record(f"transcribe_{engine}", best[engine])
        b.rows.append((f"transcribe 77 s sample, --engine {engine} (cold cache)", f"{best[engine].wall_s:.1f} s",
                       f"{best[engine].cpu_s:.1f} s", f"{best[engine].peak_mib:.0f} MiB", ""))
    if len(best) == 2:
        fast, slow = best["faster-whisper"], best["openai-whisper"]
        b.rows.append(("default engine speed-up on transcribe", f"{slow.wall_s / fast.wall_s:.1f}× (wall)",
                       f"{slow.cpu_s / fast.cpu_s:.1f}× (CPU)", "", "≥ 3×"))


def bench_stages(b: Bench, recording: Path) -> None:
    """Exclusive wall and CPU seconds per stage of one in-process ``analyze`` (``scripts/bench_stages.py``)."""
    command = [sys.executable, str(ROOT / "scripts" / "bench_stages.py"), str(recording), str(b.work / "profile")]
    stages = json.loads(spawn(command, b.cold()).stdout.strip().splitlines()[-1])
    b.figures["stages"] = stages
    wall = sum(s[1] for s in stages)
    print("\n| stage (one in-process analyze, cold transcript cache) | wall s | CPU s | share of wall |")
    print("|---|---|---|---|")
    for label, seconds, cpu in stages:
        print(f"| {label} | {seconds:.2f} | {cpu:.2f} | {100 * seconds / wall:.0f}% |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (the median is reported)")
    parser.add_argument("--model-cache", type=Path, default=None,
                        help="cache holding the unpacked models (default: a persistent folder under the system temp dir)")
    parser.add_argument("--skip-openai", action="store_true", help="skip transcribe with --engine openai-whisper")
    parser.add_argument("--only", default="help,audio,text,transcribe,stages",
                        help="comma-separated parts to run (default: all of help,audio,text,transcribe,stages)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--build-inputs", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_inputs:  # in a child, so this process stays small (a child's peak RSS counts its parent's at fork)
        print(json.dumps([build_recording(args.build_inputs / "interview_5min.wav"),
                          build_long_transcript(args.build_inputs / "long_interview.txt")]))
        return
    parts = set(args.only.split(","))

    work = Path(tempfile.mkdtemp(prefix="bench_e2e-"))
    model_cache = args.model_cache or Path(tempfile.gettempdir()) / "interview-analyzer-bench-models"
    model_cache.mkdir(parents=True, exist_ok=True)
    recording, long_text = work / "interview_5min.wav", work / "long_interview.txt"
    built = spawn([sys.executable, str(Path(__file__).resolve()), "--build-inputs", str(work)], environment(model_cache))
    audio_s, text_words = json.loads(built.stdout.strip().splitlines()[-1])
    python = [sys.executable, "-m", "analyzer"]
    short_audio = SAMPLES / AUDIO_PARTS[0]
    engines = ["faster-whisper"] + ([] if args.skip_openai else ["openai-whisper"])
    engines = engines if "transcribe" in parts else engines[:1]

    load_before = load()
    print(f"# bench_e2e: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {git('rev-parse', '--short', 'HEAD')}"
          f"{' (dirty)' if git('status', '--porcelain', '--untracked-files=no') else ''}", flush=True)
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load_before} (1/5/15 min)", flush=True)
    # Unpack/convert every model once into the model cache (not timed).
    env = environment(model_cache)
    if parts == {"help"}:
        engines = []
    else:
        spawn(python + ["analyze", str(SAMPLES / "strong_candidate.txt"), "--out", str(work / "warm"), "-q"], env)
    for engine in engines:
        spawn(python + ["transcribe", str(short_audio), "--out", str(work / "warm" / f"{engine}.json"), "-q",
                        "--engine", engine], env)

    bench = Bench(python, model_cache, work, args.runs, figures={"audio_s": audio_s, "text_candidate_words": text_words})
    if "help" in parts:
        bench_help(bench)
    if "audio" in parts:
        bench_audio(bench, recording, audio_s)
    if "text" in parts:
        bench_text(bench, long_text)
    if "transcribe" in parts:
        bench_transcribe(bench, engines, short_audio)
    print(f"\n| command ({args.runs} runs, median) | wall | CPU (user+sys) | peak RSS | target |")
    print("|---|---|---|---|---|")
    for row in bench.rows:
        print("| " + " | ".join(row) + " |")
    if "stages" in parts:
        bench_stages(bench, recording)
    print(f"\nload average after: {load()} (before: {load_before})")
    if args.json:
        args.json.write_text(json.dumps(bench.figures, indent=2, default=str))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
