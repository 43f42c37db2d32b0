"""Speed and memory of filler detection: model and encoder load, and time per answer.

    python scripts/bench_fillers.py [--repeat 3]

Runs :func:`analyzer.detectors.fillers.model.detect_fillers` (parse features, the sentence encoder, both
classifiers and the vetoes) on every answer of models/star_sentences.jsonl, whose spaCy parses
are made beforehand (the analyzer parses each answer once for all checks). Warms up first and
prints a Markdown table for docs/benchmarks.md. Single process; the encoder runs on one thread.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="passes over all answers (median is reported)")
    args = parser.parse_args()

    from analyzer.text.encoder import load_context_encoder
    from analyzer.detectors.fillers.model import detect_fillers, load_model
    from analyzer.text.nlp import load_spacy
    from train_star import load_answers

    def timed(load) -> float:
        started = time.perf_counter()
        load()
        return time.perf_counter() - started

    def peak_mib() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    spacy_s, model_s = timed(load_spacy), timed(load_model)
    before_encoder_mib = peak_mib()
    model = load_model()
    encoder_s = timed(lambda: load_context_encoder(model.encoder, model.layer))
    encoder_mib = peak_mib() - before_encoder_mib
    docs = list(load_spacy().pipe(a.text for a in load_answers()))
    words = sum(len(d.text.split()) for d in docs)

    def one_pass() -> tuple[float, int]:
        begin = time.perf_counter()
        found = sum(len(detect_fillers(doc)) for doc in docs)
        return time.perf_counter() - begin, found

    one_pass()  # warm-up
    passes = [one_pass() for _ in range(args.repeat)]
    seconds = statistics.median(s for s, _ in passes)

    print(f"Machine: {platform.machine()} {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    print(f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")
    print(f"Command: python scripts/bench_fillers.py --repeat {args.repeat}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| load spaCy `en_core_web_sm` (once per process) | {spacy_s:.2f} s |")
    print(f"| load `models/fillers.joblib` (once per process) | {model_s:.2f} s |")
    print(f"| load the encoder {model.encoder}, layers 1-{model.layer} (once per process) | {encoder_s:.2f} s, +{encoder_mib:.0f} MiB |")
    print(f"| answers per pass ({words} words, {passes[0][1]} fillers found) | {len(docs)} |")
    print(f"| time per answer (median of {args.repeat} passes) | {1000 * seconds / len(docs):.1f} ms |")
    print(f"| words per second | {words / seconds:.0f} |")
    print(f"| peak resident memory of the process | {peak_mib():.0f} MiB |")


if __name__ == "__main__":
    main()
