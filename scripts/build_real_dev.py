#!/usr/bin/env python3
"""Build the real-speech evaluation set (recordings + who-spoke-when and word references).

Everything is rebuilt from ``../shared/data`` (nothing is downloaded; the audio stays out of
the repository) into ``<cache>/real-dev/`` (``--out`` moves it):

* **real** recordings, scored as they are:
  - ``ami_trn00`` ... ``ami_trn09`` (dev) and ``ami_tst00``, ``ami_tst01`` (held out): twelve 30 s
    excerpts of real meetings (``audio-meetings-ami``, 1-4 voices, far-field), reference turns from
    their RTTM; no words.
  - ``stereo_downmix``: ``audio/stereo_diarization.wav`` downmixed, two real readers talking over
    each other; reference = each channel's speech (Silero VAD) and its sentence.
  - ``jfk``: ``audio/jfk.flac``, one real speaker, formal speech; words only.
* **simulated** two-person conversations (labelled so everywhere): the single-speaker stretches of
  the AMI excerpts (a speaker's RTTM turns less every moment another speaker talks) of two
  different people laid out turn by turn with realistic gaps (0.15-0.8 s, now and then 1-1.8 s),
  overlapping starts (0.1-0.5 s) and the listener's short stretches (under 1.2 s, mostly
  back-channels) said during the other's turn. Each speaker keeps one level, as in one room;
  a faint noise floor fills the gaps. The real speech in them is spontaneous meeting talk; only
  the turn taking is made up. No words (the AMI excerpts have none). Also four **one-voice**
  recordings (``sim_dev_one_*``): each of the four dev speakers with most single-speaker speech
  alone, pieces in order with pauses between them: how often one real voice is split in two.

Split: the dev part (tune on it) uses the ``trn`` excerpts and their speakers only; the held-out
part (score once) the ``tst`` excerpts (other meetings, other speakers) and ``jfk``.

Writes ``<name>.flac`` (16 kHz mono) and ``<name>.reference.json`` per recording, and
``manifest.json`` (name, split, kind, source, licence, seconds, speakers). Usage::

    python scripts/build_real_dev.py [--shared ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_asr import shared_data  # noqa: E402

SAMPLE_RATE = 16000
AMI_LICENCE = ("pyannote/pyannote-audio tests/data at b749285c (repository MIT, (c) 2020 CNRS); speaker labels of the "
               "AMI Meeting Corpus, CC BY 4.0 (Carletta et al. 2005)")
MIT_AUDIO = {
    "jfk.flac": "openai/whisper tests/jfk.flac at c0d2f624 (MIT; the speech is a US federal government work)",
    "stereo_diarization.wav": "SYSTRAN/faster-whisper tests/data at 65882eee (MIT)",
}
MIN_PIECE_S = 0.4
"""Single-speaker stretches shorter than this are dropped (a syllable cut by someone else)."""
BACKCHANNEL_MAX_S = 1.2
"""A listener's stretch this short may be said during the other's turn."""
SIMULATED_PAIRS = {
    # (speaker A, speaker B): chosen as the speakers with most single-speaker speech; every pair
    # mixes recordings of different meetings or rooms except where both come from one excerpt.
    "dev": [("FEE083", "MÉO069"), ("FEE083", "FEE078"), ("MÉO069", "MEE068"), ("FEE078", "MEE068"),
            ("FEE078", "MÉO069"), ("FEE083", "MEE068"), ("MEE075", "FEE087"), ("MÉO069", "MEE075")],
}
"""Only dev: the held-out excerpts' speakers have too little single-speaker speech (4-11 s per pair)."""
SIMULATED_SINGLE = {"dev": ["FEE083", "MÉO069", "FEE078", "MEE068"]}
"""One-voice recordings (a person answering alone, as in self-practice): the dev speakers with at
least 10 s of single-speaker speech. They measure how often one real voice is split in two."""


@dataclass
class Piece:
    speaker: str
    source: str
    start: float
    end: float
    samples: np.ndarray

    @property
    def duration(self) -> float:
        return self.end - self.start


def load(path: Path) -> np.ndarray:
    from analyzer.readers.audio import decode_audio

    return decode_audio(path).samples


def write_flac(path: Path, samples: np.ndarray) -> None:
    import soundfile

    soundfile.write(str(path), np.clip(samples, -1, 1), SAMPLE_RATE, subtype="PCM_16")


def read_rttm(path: Path) -> dict[str, list[tuple[float, float, str]]]:
    turns: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            turns[fields[1]].append((start, start + duration, fields[7]))
    return turns


def single_speaker_pieces(name: str, samples: np.ndarray, turns: list[tuple[float, float, str]]) -> list[Piece]:
    """Each turn less every moment another speaker talks, in pieces of at least MIN_PIECE_S."""
    pieces = []
    for start, end, speaker in sorted(turns):
        spans = [(start, end)]
        for other_start, other_end, other in turns:
            if other == speaker:
                continue
            spans = [part for a, b in spans for part in ((a, min(b, other_start)), (max(a, other_end), b)) if part[1] > part[0]]
        for a, b in spans:
            if b - a >= MIN_PIECE_S:
                pieces.append(Piece(speaker, name, a, b, samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)]))
    return pieces


def simulate(pair: tuple[str, str], pieces: dict[str, list[Piece]], seed: int) -> tuple[np.ndarray, list[dict]]:
    """A two-person conversation from the pieces of ``pair``: turns alternate, each one to three
    of a speaker's pieces in their original order; gaps, overlaps and back-channels drawn at random."""
    rng = random.Random(seed)
    levels = {speaker: 10 ** ((-24 + rng.uniform(-3, 3)) / 20) for speaker in pair}
    queues = {s: [p for p in pieces[s] if p.duration > BACKCHANNEL_MAX_S] for s in pair}
    short = {s: [p for p in pieces[s] if p.duration <= BACKCHANNEL_MAX_S] for s in pair}
    placed: list[tuple[float, Piece]] = []
    time, speaker = 0.5, pair[0]
    while queues[speaker]:
        count = min(len(queues[speaker]), rng.choice((1, 1, 2, 2, 3)))
        turn_start = time
        for piece in queues[speaker][:count]:
            placed.append((time, piece))
            time += piece.duration + rng.uniform(0.2, 0.45)
        time -= 0.3
        del queues[speaker][:count]
        listener = pair[1] if speaker == pair[0] else pair[0]
        if short[listener] and time - turn_start > 3.0 and rng.random() < 0.5:
            placed.append((rng.uniform(turn_start + 1.0, time - 1.5), short[listener].pop(0)))
        draw = rng.random()
        if draw < 0.2:
            time -= rng.uniform(0.1, 0.5)
        elif draw < 0.3:
            time += rng.uniform(1.0, 1.8)
        else:
            time += rng.uniform(0.15, 0.8)
        speaker = listener if queues[listener] else speaker
    length = int((max(t + p.duration for t, p in placed) + 0.5) * SAMPLE_RATE)
    mix = np.random.default_rng(seed).normal(0, 10 ** (-62 / 20), length).astype(np.float32)
    turns = []
    for start, piece in sorted(placed, key=lambda item: item[0]):
        audio = piece.samples * (levels[piece.speaker] / (np.sqrt(np.mean(piece.samples**2)) + 1e-9))
        first = int(start * SAMPLE_RATE)
        mix[first : first + len(audio)] += audio
        turns.append({"speaker": piece.speaker, "voice": piece.speaker, "start": round(start, 3),
                      "end": round(start + piece.duration, 3),
                      "source": f"{piece.source} {piece.start:.2f}-{piece.end:.2f} s"})
    return mix, turns


def monologue(speaker: str, pieces: dict[str, list[Piece]], seed: int) -> tuple[np.ndarray, list[dict]]:
    """One person talking alone: all of ``speaker``'s pieces in their original order, one level,
    pauses drawn as between the turns of :func:`simulate` (0.2-0.8 s, now and then 1-1.8 s)."""
    rng = random.Random(seed)
    level = 10 ** ((-24 + rng.uniform(-3, 3)) / 20)
    placed: list[tuple[float, Piece]] = []
    time = 0.5
    for piece in pieces[speaker]:
        placed.append((time, piece))
        time += piece.duration + (rng.uniform(1.0, 1.8) if rng.random() < 0.15 else rng.uniform(0.2, 0.8))
    mix = np.random.default_rng(seed).normal(0, 10 ** (-62 / 20), int((time + 0.5) * SAMPLE_RATE)).astype(np.float32)
    turns = []
    for start, piece in placed:
        first = int(start * SAMPLE_RATE)
        mix[first : first + len(piece.samples)] += piece.samples * (level / (np.sqrt(np.mean(piece.samples**2)) + 1e-9))
        turns.append({"speaker": speaker, "voice": speaker, "start": round(start, 3), "end": round(start + piece.duration, 3),
                      "source": f"{piece.source} {piece.start:.2f}-{piece.end:.2f} s"})
    return mix, turns


def stereo_reference(path: Path, references: dict[str, str]) -> tuple[np.ndarray, list[dict]]:
    from analyzer.asr.vad import speech_regions
    from analyzer.readers.audio import decode_audio

    audio = decode_audio(path)
    turns = []
    for index, side in enumerate(("left", "right")):
        regions = speech_regions(audio.channels[index].copy(), min_silence_s=0.3)
        for a, b in regions:
            turns.append({"speaker": f"{side} reader", "voice": f"{side} reader", "start": round(a, 3), "end": round(b, 3)})
        turns[-len(regions)]["text"] = references[side]
    turns.sort(key=lambda t: t["start"])
    return audio.samples, turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=shared_data(), help="default: ../shared/data beside the checkout")
    parser.add_argument("--out", type=Path, default=None, help="default: <user cache>/real-dev")
    args = parser.parse_args()
    from analyzer.resources import cache_dir

    out = args.out or cache_dir() / "real-dev"
    out.mkdir(parents=True, exist_ok=True)
    ami_dir, audio_dir = args.shared / "audio-meetings-ami", args.shared / "audio"
    manifest = []

    def emit(name: str, samples: np.ndarray, turns: list[dict], split: str, kind: str, source: str, licence: str,
             words: str | None = None) -> None:
        write_flac(out / f"{name}.flac", samples)
        reference = {"audio": f"{name}.flac", "sample_rate": SAMPLE_RATE, "duration_s": round(len(samples) / SAMPLE_RATE, 3),
                     "split": split, "kind": kind, "source": source, "licence": licence, "turns": turns, "pauses": []}
        if words is not None:
            reference["words"] = words
        (out / f"{name}.reference.json").write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        speakers = sorted({t["voice"] for t in turns})
        manifest.append({"name": name, "split": split, "kind": kind, "seconds": reference["duration_s"],
                         "speakers": len(speakers), "words": words is not None, "source": source})
        print(f"{name}: {split}, {kind}, {reference['duration_s']:.1f} s, {len(speakers)} speaker(s)", flush=True)

    rttm = {**read_rttm(ami_dir / "train.rttm"), **read_rttm(ami_dir / "test.rttm")}
    pieces: dict[str, list[Piece]] = defaultdict(list)
    for name in sorted(rttm):
        samples = load(ami_dir / f"{name}.flac")
        split = "heldout" if name.startswith("tst") else "dev"
        turns = [{"speaker": s, "voice": s, "start": round(a, 3), "end": round(b, 3)} for a, b, s in sorted(rttm[name])]
        emit(f"ami_{name}", samples, turns, split, "real", f"audio-meetings-ami/{name}.flac", AMI_LICENCE)
        for piece in single_speaker_pieces(name, samples, rttm[name]):
            pieces[piece.speaker].append(piece)

    for split, pairs in SIMULATED_PAIRS.items():
        for seed, pair in enumerate(pairs):
            mix, turns = simulate(pair, pieces, seed)
            emit(f"sim_{split}_{seed:02d}_{pair[0]}_{pair[1]}", mix, turns, split, "simulated",
                 "single-speaker stretches of audio-meetings-ami, spliced by scripts/build_real_dev.py", AMI_LICENCE)

    for split, speakers in SIMULATED_SINGLE.items():
        for seed, speaker in enumerate(speakers):
            mix, turns = monologue(speaker, pieces, 100 + seed)
            emit(f"sim_{split}_one_{seed:02d}_{speaker}", mix, turns, split, "simulated",
                 "single-speaker stretches of audio-meetings-ami, one speaker, spliced by scripts/build_real_dev.py", AMI_LICENCE)

    with (audio_dir / "references.tsv").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    stereo_words = {r["channel"]: r["reference"] for r in rows if r["file"] == "stereo_diarization.wav"}
    samples, turns = stereo_reference(audio_dir / "stereo_diarization.wav", stereo_words)
    emit("stereo_downmix", samples, turns, "dev", "real", "audio/stereo_diarization.wav (both channels averaged)",
         MIT_AUDIO["stereo_diarization.wav"], words=f"{stereo_words['left']} {stereo_words['right']}")
    jfk = next(r["reference"] for r in rows if r["file"] == "jfk.flac")
    samples = load(audio_dir / "jfk.flac")
    emit("jfk", samples, [], "heldout", "real", "audio/jfk.flac", MIT_AUDIO["jfk.flac"], words=jfk)

    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for split in ("dev", "heldout"):
        for kind in ("real", "simulated"):
            chosen = [m for m in manifest if m["split"] == split and m["kind"] == kind]
            multi = sum(m["seconds"] for m in chosen if m["speakers"] >= 2)
            print(f"{split} {kind}: {len(chosen)} recordings, {sum(m['seconds'] for m in chosen) / 60:.1f} min "
                  f"({multi / 60:.1f} min with two or more speakers)")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
