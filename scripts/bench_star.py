"""Speed and memory of the missing-star check: model load, and time per behavioural answer.

    python scripts/bench_star.py [--repeat 3]

Runs the check (spaCy parse + clause segmentation + classifier + flag logic) on every answer
of models/star_sentences.jsonl, after a warm-up, as the pipeline does: sessions of ``SESSION``
answers, each parsed and encoded in batches first (``analyzer.checks.prepare``, the rule's
``sentences``). Prints a Markdown table for docs/benchmarks.md (wall and CPU seconds). Single
process, one thread for BLAS.
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
SESSION = 8
"""Answers per analysed session (a mock interview's behavioural answers)."""
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="passes over all answers (median is reported)")
    args = parser.parse_args()

    from analyzer.checks import star as star_check
    from analyzer.checks.context import AnswerContext
    from analyzer.checks.prepare import prepare
    from analyzer.text.encoder import session_vectors
    from analyzer.datamodel import Answer, Transcript, Utterance
    from analyzer.text.nlp import load_spacy
    from analyzer.detectors.star import load_model
    from train_star import load_answers

    started = time.perf_counter()
    load_spacy()
    spacy_s = time.perf_counter() - started
    started = time.perf_counter()
    load_model()
    model_s = time.perf_counter() - started

    texts = [a.text for a in load_answers()]
    words = sum(len(t.split()) for t in texts)
    opts = star_check.RULE.defaults()

    options = {star_check.RULE.code: opts}

    def one_pass() -> tuple[float, float]:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        for first in range(0, len(texts), SESSION):
            answers = [Answer(id=str(i), question=Utterance("Tell me about a time...", "I"),
                              answer=Utterance(text, "C"), question_kind="behavioural")
                       for i, text in enumerate(texts[first : first + SESSION], first)]
            contexts = [AnswerContext(answer=a, transcript=Transcript(turns=[]), options=options) for a in answers]
            with session_vectors():
                prepare(contexts, [star_check.RULE])
                for answer, ctx in zip(answers, contexts):
                    star_check.check(answer, ctx, opts)
        return time.perf_counter() - begin, time.process_time() - begin_cpu

    one_pass()  # warm-up
    passes = [one_pass() for _ in range(args.repeat)]
    seconds = statistics.median(wall for wall, _ in passes)
    cpu_seconds = statistics.median(cpu for _, cpu in passes)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Machine: {platform.machine()} {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    print(f"Date: {datetime.now(timezone.utc).date().isoformat()}")
    print(f"Command: python scripts/bench_star.py --repeat {args.repeat}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| load spaCy `en_core_web_sm` (once per process) | {spacy_s:.2f} s |")
    print(f"| load `models/star.joblib` (once per process) | {model_s:.3f} s |")
    print(f"| answers checked per pass ({words} words) | {len(texts)} |")
    print(f"| time per answer (median of {args.repeat} passes, sessions of {SESSION}) | "
          f"{1000 * seconds / len(texts):.1f} ms wall, {1000 * cpu_seconds / len(texts):.1f} ms CPU |")
    print(f"| words per second | {words / seconds:.0f} |")
    print(f"| peak resident memory of the process | {peak_mib:.0f} MiB |")
    print(f"| load average (1 min) at the end | {os.getloadavg()[0]:.1f} |")


if __name__ == "__main__":
    main()
