#!/usr/bin/env python3
"""Build word references for real spontaneous speech: the AMI excerpts of ``../shared/data/audio-meetings-ami``.

The words are the AMI Meeting Corpus's manual transcription (CC BY 4.0, Carletta et al. 2005), as
extracted per speaker (words in order, no times) in github.com/gcunhase/AMICorpusXML (MIT code;
the text is AMI's annotation under AMI's licence). They are fetched at a pinned commit and
checked by SHA-256; no text is kept in this repository.

Only a stretch of an excerpt that begins and ends where nobody speaks (from the excerpt's RTTM)
can get an exact reference without word times: each utterance in it is whole. So far one does:
``trn00`` is the first 30 s of meeting EN2001a, and 0-27.8 s of it hold 12 utterances of three
people (AMI speakers A = MEE068, D = MEE067, E = MÉO069). Each utterance is listed below with its
RTTM start and the number of words it takes from its speaker's transcript, in order; the turn
order agrees with an independent AMI-derived transcript of 0-18.4 s of the meeting. The other dev
excerpts (``trn01``-``trn09``) start or end inside somebody's speech; ``tst00``/``tst01`` are held
out for diarization and are never used.

Writes ``<name>.reference.json`` (audio path, window, turns, source, licence) into
``<cache>/real-wer/`` (``--out`` moves it). ``--source DIR`` reads a local copy of the repository
instead of fetching. Usage::

    python scripts/build_real_wer_set.py [--shared ../shared/data] [--out DIR] [--source DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_asr import shared_data  # noqa: E402

REPOSITORY = "gcunhase/AMICorpusXML"
COMMIT = "b43d9179369b99f8455aecec6f64237d11132e55"
TRANSCRIPT = "data/ami-transcripts-speaker/{meeting}.{speaker}.transcript.txt"
RAW_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/{COMMIT}/{TRANSCRIPT}"
LICENCE = "AMI Meeting Corpus, CC BY 4.0 (Carletta et al. 2005)"
SHA256 = {
    "EN2001a.A": "ec7d1fef5198ee7a2563cbe9920fe1985a324fce53be1cc2f9e80a27e3de40d1",
    "EN2001a.D": "24fd6da85bd4dded1653ed7b224ee3459be296aa896c3643b7a4e7313de65884",
    "EN2001a.E": "2d7e5e5135f9c2f75e7f65f775463d5b6d2e57dac116c4b037214663979cd484",
}


@dataclass(frozen=True)
class Utterance:
    start: float
    """Its RTTM start in the excerpt (s); orders the turns."""
    speaker: str
    """AMI speaker letter in the meeting."""
    words: int
    """How many words it takes, next in order, from its speaker's transcript."""


@dataclass(frozen=True)
class Excerpt:
    audio: str
    """Path under the shared data folder."""
    meeting: str
    end: float
    """The reference covers 0..end s: nobody speaks at ``end``."""
    speakers: dict[str, str]
    """AMI speaker letter -> the excerpt's RTTM speaker label."""
    utterances: tuple[Utterance, ...]


EXCERPTS = {
    "ami_trn00": Excerpt(
        "audio-meetings-ami/trn00.flac", "EN2001a", 27.8, {"A": "MEE068", "D": "MEE067", "E": "MÉO069"},
        (Utterance(3.17, "E", 1), Utterance(5.46, "E", 1), Utterance(5.50, "A", 1), Utterance(10.45, "E", 1),
         Utterance(11.04, "A", 11), Utterance(16.74, "E", 9), Utterance(16.98, "D", 7), Utterance(18.88, "A", 1),
         Utterance(18.98, "E", 10), Utterance(21.39, "A", 13), Utterance(22.93, "E", 1), Utterance(25.00, "E", 1)),
    ),
}


def transcript(meeting: str, speaker: str, source: Path | None) -> str:
    """One speaker's AMI transcript, checked against its pinned SHA-256."""
    path = TRANSCRIPT.format(meeting=meeting, speaker=speaker)
    if source is not None:
        data = (source / path).read_bytes()
    else:
        with urllib.request.urlopen(RAW_URL.format(meeting=meeting, speaker=speaker), timeout=60) as response:
            data = response.read()
    if hashlib.sha256(data).hexdigest() != SHA256[f"{meeting}.{speaker}"]:
        raise SystemExit(f"{path}: not the file of {REPOSITORY} at {COMMIT} (SHA-256 differs)")
    return data.decode("utf-8")


def reference(name: str, excerpt: Excerpt, shared: Path, source: Path | None) -> dict:
    streams = {s: transcript(excerpt.meeting, s, source).split() for s in excerpt.speakers}
    taken = dict.fromkeys(streams, 0)
    turns = []
    for utterance in excerpt.utterances:
        first = taken[utterance.speaker]
        taken[utterance.speaker] += utterance.words
        text = " ".join(streams[utterance.speaker][first : taken[utterance.speaker]])
        turns.append({"start": utterance.start, "speaker": excerpt.speakers[utterance.speaker], "text": text})
    return {
        "name": name, "audio": str((shared / excerpt.audio).resolve()), "start": 0.0, "end": excerpt.end,
        "kind": "real spontaneous speech (meeting, far-field, several voices)", "turns": turns,
        "source": f"{REPOSITORY} {TRANSCRIPT.format(meeting=excerpt.meeting, speaker='*')} at {COMMIT}",
        "licence": LICENCE,
    }


def main() -> None:
    from analyzer.resources import cache_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=shared_data())
    parser.add_argument("--out", type=Path, default=cache_dir() / "real-wer")
    parser.add_argument("--source", type=Path, help=f"a local copy of {REPOSITORY} (else fetched at {COMMIT[:8]})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, excerpt in EXCERPTS.items():
        built = reference(name, excerpt, args.shared, args.source)
        path = args.out / f"{name}.reference.json"
        path.write_text(json.dumps(built, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        words = sum(len(turn["text"].split()) for turn in built["turns"])
        print(f"wrote {path}: {excerpt.end} s, {len(built['turns'])} turns, {words} words", file=sys.stderr)


if __name__ == "__main__":
    main()
