#!/usr/bin/env python3
"""Accuracy of speech recognition: WER on real speech, filler recall with and without the prompt.

* Real speech: the MIT clips in ``../shared/data/audio`` with reliable references
  (jfk.flac; stereo_diarization.wav left and right channel, each transcribed alone).
  multilingual.mp3 is skipped: its reference is approximate (see that folder's README).
* Real spontaneous speech: the AMI excerpt stretches with AMI's own word reference built by
  ``scripts/build_real_wer_set.py`` (``--spontaneous``, default ``<cache>/real-wer``; skipped when
  not built), scored after Whisper's ``EnglishTextNormalizer`` on both sides (it drops hesitations
  such as "um", "hmm", which AMI and Whisper write inconsistently; AMI's clipped "'Kay" is "okay").
* Mock interviews: ``sample_transcripts/*.reference.json`` (espeak-ng voices, scripted fillers).
  Filler recall = share of scripted fillers aligned (word alignment of reference and
  transcript) with a recognised filler word (um, uh, hmm, er, erm, ah, mm); precision = share
  of recognised fillers aligned with a scripted one.

WER is word-level (jiwer) after lower-casing and removing punctuation; "WER w/o fillers"
drops filler words from both sides, to show whether the prompt costs content words.

Each row also gives the CPU seconds (user + system, this process and its threads) of all its
transcriptions, so engines, models and beam sizes can be compared on the same audio.
``--samples`` scores other reference files of the same shape: the held-out
``tests/fixtures/similar_questions.reference.json`` is scored once, after the last change.

Usage::

    python scripts/eval_asr.py [--engines faster-whisper,openai-whisper] [--models tiny.en,base]
                               [--prompt on,off] [--beams 5,1] [--data ../shared/data/audio]
                               [--samples 'sample_transcripts/*.reference.json']
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILLERS = {"um", "uh", "hmm", "er", "erm", "ah", "mm", "umm", "uhm"}


def shared_data() -> Path:
    """``../shared/data`` beside the checkout (or beside the folder of worktrees)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def words(text: str, *, drop_fillers: bool = False) -> str:
    tokens = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("%", " percent")).split()
    return " ".join(t for t in tokens if not (drop_fillers and t in FILLERS))


def wer(reference: str, hypothesis: str, *, drop_fillers: bool = False) -> tuple[float, int]:
    """(WER, reference words)."""
    import jiwer

    ref, hyp = words(reference, drop_fillers=drop_fillers), words(hypothesis, drop_fillers=drop_fillers)
    out = jiwer.process_words(ref, hyp)
    return out.wer, len(ref.split())


def real_speech(data: Path) -> list[tuple[str, object, str]]:
    """(name, DecodedAudio, reference) for the reliable references in references.tsv."""
    from analyzer.readers.audio import decode_audio

    items = []
    with (data / "references.tsv").open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["file"].startswith("multilingual"):
                continue
            audio = decode_audio(data / row["file"])
            if row["channel"] in ("left", "right"):
                channel = audio.channels[0 if row["channel"] == "left" else 1].copy()
                audio = replace(audio, samples=channel, channels=None)
            items.append((f"{row['file']}:{row['channel']}", audio, row["reference"]))
    return items


def spontaneous_speech(folder: Path) -> list[tuple[str, object, str]]:
    """(name, DecodedAudio of the reference's window, reference text) per built reference."""
    from analyzer.readers.audio import decode_audio

    items = []
    for path in sorted(folder.glob("*.reference.json")):
        reference = json.loads(path.read_text(encoding="utf-8"))
        audio = decode_audio(Path(reference["audio"]))
        window = slice(int(reference["start"] * audio.sample_rate), int(reference["end"] * audio.sample_rate))
        text = " ".join(turn["text"] for turn in sorted(reference["turns"], key=lambda turn: turn["start"]))
        items.append((reference["name"], replace(audio, samples=audio.samples[window], sha256=None), text))
    return items


def normalised_wer(reference: str, hypothesis: str) -> tuple[float, int]:
    """(WER, reference words) after Whisper's English normaliser on both sides."""
    import jiwer
    from whisper.normalizers import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    ref = normalise(re.sub(r"(?<![\w'])'[Kk]ay\b", "okay", reference))
    out = jiwer.process_words(ref, normalise(hypothesis))
    return out.wer, len(ref.split())


def transcribe(engine, audio, options) -> list:
    from analyzer import asr
    from analyzer.asr.vad import speech_regions

    return asr.transcribe(audio, engine, options, speech_regions(audio.samples))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def filler_matches(reference: str, hypothesis: str) -> tuple[int, int, int]:
    """(scripted fillers recognised, scripted fillers, recognised fillers), counted on the
    word alignment of reference and hypothesis: a reference filler counts as recognised
    when it is aligned with a filler word (Whisper's word timings of fillers run late, so
    matching by time would undercount)."""
    import jiwer

    ref, hyp = words(reference).split(), words(hypothesis).split()
    found = 0
    for chunk in jiwer.process_words(" ".join(ref), " ".join(hyp)).alignments[0]:
        if chunk.type in ("equal", "substitute"):
            for offset in range(chunk.ref_end_idx - chunk.ref_start_idx):
                found += ref[chunk.ref_start_idx + offset] in FILLERS and hyp[chunk.hyp_start_idx + offset] in FILLERS
    return found, sum(t in FILLERS for t in ref), sum(t in FILLERS for t in hyp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="faster-whisper,openai-whisper")
    parser.add_argument("--models", default="tiny.en", help="comma-separated --model values, each run with every engine")
    parser.add_argument("--prompt", default="on,off", help="filler prompt settings to run: on, off or both")
    parser.add_argument("--beams", default="5", help="comma-separated beam sizes to run")
    parser.add_argument("--data", type=Path, default=shared_data() / "audio")
    parser.add_argument("--spontaneous", type=Path, help="built AMI word references (default: <cache>/real-wer)")
    parser.add_argument("--samples", default="sample_transcripts/*.reference.json",
                        help="glob (relative to the checkout) of synthetic recordings' reference files")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    from analyzer import asr
    from analyzer.readers.audio import decode_audio
    from analyzer.resources import cache_dir

    spontaneous = spontaneous_speech(args.spontaneous or cache_dir() / "real-wer")
    samples = sorted(ROOT.glob(args.samples))
    real = real_speech(args.data) if (args.data / "references.tsv").is_file() else []
    results = []
    for model, name in [(m, e) for m in args.models.split(",") for e in args.engines.split(",")]:
        engine = asr.get_engine(name, model)
        for prompt, beam in [(p == "on", int(b)) for p in args.prompt.split(",") for b in args.beams.split(",")]:
            options = asr.AsrOptions(filler_prompt=prompt, beam_size=beam)
            row = {"engine": name, "model": model, "filler_prompt": prompt, "beam": beam}
            cpu_started = cpu_seconds()
            errors = ref_words = 0
            for _, audio, reference in real:
                rate, n = wer(reference, " ".join(s.text for s in transcribe(engine, audio, options)))
                errors, ref_words = errors + rate * n, ref_words + n
            row["real_speech_wer"] = round(errors / ref_words, 4) if ref_words else None
            errors = ref_words = 0
            for _, audio, reference in spontaneous:
                rate, n = normalised_wer(reference, " ".join(s.text for s in transcribe(engine, audio, options)))
                errors, ref_words = errors + rate * n, ref_words + n
            row["spontaneous_wer"] = round(errors / ref_words, 4) if ref_words else None
            row["spontaneous_words"] = ref_words
            found = total = recognised = 0
            sample_errors = sample_words = content_errors = content_words = 0.0
            for path in samples:
                reference = json.loads(path.read_text())
                audio = decode_audio(path.with_name(reference["audio"]))
                segments = transcribe(engine, audio, options)
                ref_text = " ".join(turn["text"] for turn in reference["turns"])
                hyp_text = " ".join(s.text for s in segments)
                f, t, r = filler_matches(ref_text, hyp_text)
                found, total, recognised = found + f, total + t, recognised + r
                rate, n = wer(ref_text, hyp_text)
                sample_errors, sample_words = sample_errors + rate * n, sample_words + n
                rate, n = wer(ref_text, hyp_text, drop_fillers=True)
                content_errors, content_words = content_errors + rate * n, content_words + n
            row.update(
                sample_filler_recall=round(found / total, 3) if total else None,
                sample_filler_precision=round(found / recognised, 3) if recognised else None,
                sample_fillers=total,
                sample_wer=round(sample_errors / sample_words, 4) if sample_words else None,
                sample_wer_without_fillers=round(content_errors / content_words, 4) if content_words else None,
                cpu_s=round(cpu_seconds() - cpu_started, 1),
            )
            results.append(row)
            print(json.dumps(row), flush=True)

    print("\n| engine | model | filler prompt | beam | WER real spontaneous (words) | WER real read | WER mock interviews | WER w/o fillers "
          "| filler recall | filler precision | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['model']} | {'on' if r['filler_prompt'] else 'off'} | {r['beam']} "
              f"| {r['spontaneous_wer']} ({r['spontaneous_words']}) | {r['real_speech_wer']} "
              f"| {r['sample_wer']} | {r['sample_wer_without_fillers']} | {r['sample_filler_recall']} ({r['sample_fillers']} fillers) "
              f"| {r['sample_filler_precision']} | {r['cpu_s']} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
