#!/usr/bin/env python3
"""Speech recognition and who-spoke-when on real speech: the set of ``scripts/build_real_dev.py``.

For each recording of the chosen split: transcribe it as ``read_audio`` does (transcript cache
on, so a rerun with the same engine, model and options is quick), diarize it with
``analyzer.speakers.diarize.diarize`` (``--speakers N`` forces the count as ``analyze --speakers`` does),
and score

* DER: pyannote.metrics, collar 0.5 s, optimal speaker mapping, of the speech timeline
  (``speech_timeline``: diarized turns less measured pauses of 0.5 s or more) against the
  reference turns (overlapping speech counts for every speaker talking);
* speakers found against the reference's, and against those heard alone (``HEARD_ALONE_S`` of speech over
  no one else's: what a one-speaker-at-a-time timeline can find), and the share of the reference speech that overlaps
  another speaker's (a floor for missed speech: one speaker is given at a time);
* per set, besides the mean over recordings, the pooled DER: all errors over all reference speech;
* WER (jiwer, lower-cased, punctuation removed) where the recording has a word reference.

Real, simulated and (with ``--fixtures``) the synthetic test recordings are reported apart, each with its
speaker-count accuracy; the held-out split is scored once per method
change (say so in docs/benchmarks.md). Usage::

    python scripts/build_real_dev.py
    nice -n 10 python scripts/eval_real_speech.py [--split dev|heldout|all] [--engine E] [--model M]
                                                   [--speakers N] [--fixtures] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_asr import wer  # noqa: E402
from eval_diarization import MONO, hypothesis_annotation, reference_annotation, scores  # noqa: E402

HEARD_ALONE_S = 2.0
"""A reference speaker counts as heard (one a one-speaker-at-a-time diarization can find) with this much speech
over no one else's; the 30 s meeting excerpts hold speakers of 0.4 s, or wholly overlapped."""


def evaluate(path: Path, settings: dict[str, Any], speakers: int | None) -> dict[str, Any]:
    from analyzer.recording import read_recording

    reference = json.loads(path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    transcript, audio = read_recording(path.with_name(reference["audio"]), {**settings, "quiet": True, "speakers": 1})
    asr_s = time.perf_counter() - start
    row: dict[str, Any] = {"name": path.name.removesuffix(".reference.json"), "kind": reference["kind"],
                           "split": reference["split"], "seconds": reference["duration_s"], "asr_s": round(asr_s, 2)}
    hypothesis_text = " ".join(turn.text for turn in transcript.turns)
    if "words" in reference:
        row["wer"], row["ref_words"] = wer(reference["words"], hypothesis_text)
    if reference["turns"]:
        row.update(diarization_row(transcript, audio, reference_annotation(path), speakers))
    row["hypothesis"] = hypothesis_text
    return row


def evaluate_fixture(name: str, audio_path: Path, settings: dict[str, Any], speakers: int | None) -> dict[str, Any]:
    """A synthetic test recording of ``scripts/eval_diarization.py`` (espeak-ng voices), scored like the real ones."""
    from analyzer.recording import read_recording

    start = time.perf_counter()
    transcript, audio = read_recording(audio_path, {**settings, "quiet": True, "speakers": 1})
    row: dict[str, Any] = {"name": name, "kind": "synthetic", "split": "fixture", "seconds": audio.duration_s,
                           "asr_s": round(time.perf_counter() - start, 2)}
    truth = reference_annotation(audio_path.with_name(audio_path.stem + ".reference.json"))
    return {**row, **diarization_row(transcript, audio, truth, speakers)}


def diarization_row(transcript: Any, audio: Any, truth: Any, speakers: int | None) -> dict[str, Any]:
    """Diarize ``transcript`` and score it against the reference annotation ``truth``."""
    from analyzer.speakers.diarize import diarize

    start = time.perf_counter()
    diarized = diarize(transcript, audio, speakers)
    row: dict[str, Any] = {"diarize_s": round(time.perf_counter() - start, 2)}
    row["speakers_ref"] = len(truth.labels())
    row["speakers_heard_alone"] = heard_alone(truth)
    row["speakers_found"] = len(diarized.speakers)
    row["overlap"] = round(overlap_share(truth), 4)
    detail = scores(truth, hypothesis_annotation(diarized), diarized)
    row.update({key: round(value, 4) for key, value in detail.items() if key.endswith("@0.5")})
    return row


def heard_alone(reference: Any) -> int:
    """Reference speakers with at least ``HEARD_ALONE_S`` of speech that overlaps no one else's."""
    overlap = reference.get_overlap()
    return sum(reference.label_timeline(label).support().extrude(overlap).duration() >= HEARD_ALONE_S
               for label in reference.labels())


def overlap_share(reference: Any) -> float:
    """Reference speech spoken over another speaker: each overlap counts once per extra voice."""
    total = sum(segment.duration for segment, _ in reference.itertracks())
    extra = sum(segment.duration * (len(reference.crop(segment).labels()) - 1) for segment in reference.get_overlap())
    return extra / total if total else 0.0


def summary(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| recording | kind | split | s | speakers found (ref; heard alone) | DER | confusion | missed | false alarm | overlap | WER |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        der = (f"{r['der@0.5']:.1%} | {r['confusion@0.5']:.1%} | {r['missed@0.5']:.1%} | {r['false_alarm@0.5']:.1%} "
               f"| {r['overlap']:.1%}" if "der@0.5" in r else "- | - | - | - | -")
        found = f"{r['speakers_found']} ({r['speakers_ref']}; {r['speakers_heard_alone']})" if "speakers_ref" in r else "-"
        rate = f"{r['wer']:.3f} ({r['ref_words']} words)" if "wer" in r else "-"
        lines.append(f"| {r['name']} | {r['kind']} | {r['split']} | {r['seconds']:.0f} | {found} | {der} | {rate} |")
    lines.append("")
    for kind in ("real", "simulated", "synthetic"):
        chosen = [r for r in rows if r["kind"] == kind and "der@0.5" in r]
        if not chosen:
            continue
        two = [r for r in chosen if r["speakers_ref"] == 2]
        one = [r for r in chosen if r["speakers_ref"] == 1]
        heard = [r for r in chosen if r["speakers_heard_alone"] >= 2]
        speech = sum(r["speech_s@0.5"] for r in chosen)
        pooled = {part: sum(r[f"{part}@0.5"] * r["speech_s@0.5"] for r in chosen) / speech
                  for part in ("der", "confusion", "missed", "false_alarm")}
        lines.append(
            f"{kind}: {len(chosen)} recordings, mean DER {sum(r['der@0.5'] for r in chosen) / len(chosen):.1%}; "
            f"pooled DER {pooled['der']:.1%} (confusion {pooled['confusion']:.1%}, missed {pooled['missed']:.1%}, "
            f"false alarm {pooled['false_alarm']:.1%}; overlapped speech "
            f"{sum(r['overlap'] * r['speech_s@0.5'] for r in chosen) / speech:.1%}); "
            f"speaker count right {sum(r['speakers_found'] == r['speakers_ref'] for r in chosen)}/{len(chosen)}, "
            f"against the speakers heard alone (>= {HEARD_ALONE_S:g} s) "
            f"{sum(r['speakers_found'] == r['speakers_heard_alone'] for r in chosen)}/{len(chosen)}; "
            f"two or more found where two or more are heard alone {sum(r['speakers_found'] >= 2 for r in heard)}/{len(heard)}; "
            f"two-speaker recordings with two found {sum(r['speakers_found'] == 2 for r in two)}/{len(two)}"
            + (f", their mean DER {sum(r['der@0.5'] for r in two) / len(two):.1%}" if two else "")
            + (f"; one-voice recordings kept as one {sum(r['speakers_found'] == 1 for r in one)}/{len(one)}, "
               f"their mean DER {sum(r['der@0.5'] for r in one) / len(one):.1%}" if one else "")
        )
    worded = [r for r in rows if "wer" in r]
    if worded:
        words = sum(r["ref_words"] for r in worded)
        lines.append(f"WER over {len(worded)} recordings ({words} reference words): "
                     f"{sum(r['wer'] * r['ref_words'] for r in worded) / words:.3f}")
    lines.append(f"ASR {sum(r['asr_s'] for r in rows):.1f} s, diarization {sum(r.get('diarize_s', 0) for r in rows):.1f} s "
                 f"for {sum(r['seconds'] for r in rows):.0f} s of audio")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="default: <user cache>/real-dev")
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--engine", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--speakers", type=int, default=None)
    parser.add_argument("--no-cache", action="store_true", help="transcribe again instead of reading the cache")
    parser.add_argument("--only", default=None, help="comma-separated recording names")
    parser.add_argument("--fixtures", action="store_true",
                        help="also score the synthetic test recordings of scripts/eval_diarization.py")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    from analyzer.resources import cache_dir

    data = args.data or cache_dir() / "real-dev"
    if not (data / "manifest.json").is_file():
        sys.exit(f"{data}: no manifest.json; run python scripts/build_real_dev.py first")
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    names = set(args.only.split(",")) if args.only else None
    chosen = {"engine": args.engine, "model": args.model}
    settings = {**{key: value for key, value in chosen.items() if value is not None}, "cache": not args.no_cache}
    rows = []
    for item in manifest:
        if (args.split != "all" and item["split"] != args.split) or (names and item["name"] not in names):
            continue
        rows.append(evaluate(data / f"{item['name']}.reference.json", settings, args.speakers))
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "hypothesis"}, ensure_ascii=False), flush=True)
    for name, audio_path, _ in MONO if args.fixtures else []:
        if not names or name in names:
            rows.append(evaluate_fixture(name, audio_path, settings, args.speakers))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print("\n".join(summary(rows)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
