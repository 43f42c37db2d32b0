#!/usr/bin/env python3
"""Synthesise mock-interview audio with known turns, fillers and pauses.

Each turn is spoken by an espeak-ng voice; fillers ("um", "uh", ...) and pauses are
synthesised as separate pieces, so the reference knows exactly where they are.
sox trims each piece's leading/trailing silence and resamples it to 16 kHz; the dialogue
is written as a small Ogg/Opus file (PyAV) next to a ``<stem>.reference.json`` holding
every turn (speaker, role, text, start/end seconds), the scripted pauses and the fillers.

Turn markup: plain text; ``[pause 2.5]`` inserts 2.5 s of silence; the words in
``FILLERS`` are spoken as separate pieces and recorded as fillers.

Usage::

    python scripts/make_sample_audio.py            # regenerates sample_transcripts/*.ogg + references

Reuse from Python::

    from make_sample_audio import Line, synthesize_dialogue
    ref = synthesize_dialogue([Line("Interviewer", "interviewer", "Hello."), ...], Path("x.ogg"))

Needs the Debian packages ``espeak-ng`` and ``sox`` (only to regenerate; the generated
audio is committed).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
FILLERS = ("um", "uh", "erm", "er", "hmm")
VOICES = {"interviewer": "en-us+m3", "candidate": "en-gb"}
"""Default espeak-ng voice per role: two men of about the same pitch, one with a US and one with a
British accent (the committed samples). They were asked for as "en-gb+f3", which espeak-ng 1.51
speaks exactly like "en-gb" (see :func:`check_voice`)."""

WORDS_PER_MINUTE = 165
GAP_IN_TURN_S = 0.12  # between pieces of one turn
GAP_AFTER_FILLER_S = 0.2
GAP_BETWEEN_TURNS_S = 0.6

_PAUSE = re.compile(r"\s*\[pause\s+(\d+(?:\.\d+)?)\]\s*")
_FILLER = re.compile(r"\b(" + "|".join(FILLERS) + r")\b", re.IGNORECASE)


@dataclass
class Line:
    """One scripted turn. ``voice`` defaults to the role's voice in ``VOICES``."""

    speaker: str
    role: str
    text: str
    voice: str | None = None
    gap_before_s: float = GAP_BETWEEN_TURNS_S
    pitch: int | None = None
    """espeak-ng pitch (0-99); ``None`` keeps the voice's default."""
    pitch_range: int | None = None
    """espeak-ng pitch range (0-99; 0 = monotone); ``None`` keeps the default."""


@dataclass
class _Piece:
    kind: str  # "speech" | "filler" | "pause"
    text: str = ""
    start_char: int = 0
    end_char: int = 0
    seconds: float = 0.0


def _parse(markup: str) -> tuple[str, list[_Piece]]:
    """Clean turn text (pause markers removed) and its synthesis pieces with char offsets."""
    text = ""
    pause_at: list[tuple[int, float]] = []
    last = 0
    for match in _PAUSE.finditer(markup):
        text += markup[last : match.start()]
        pause_at.append((len(text), float(match.group(1))))
        text += " "
        last = match.end()
    text += markup[last:]
    text = text.strip()
    bounds: list[tuple[int, _Piece]] = [
        (m.start(), _Piece("filler", m.group(0), m.start(), m.end())) for m in _FILLER.finditer(text)
    ]
    bounds += [(pos, _Piece("pause", start_char=pos, end_char=pos, seconds=sec)) for pos, sec in pause_at]
    bounds.sort(key=lambda item: item[0])
    pieces: list[_Piece] = []
    cursor = 0
    for pos, piece in bounds:
        _add_speech(pieces, text, cursor, pos)
        pieces.append(piece)
        cursor = max(cursor, piece.end_char)
    _add_speech(pieces, text, cursor, len(text))
    return text, pieces


def _add_speech(pieces: list[_Piece], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    if re.search(r"\w", chunk):
        lead = len(chunk) - len(chunk.lstrip(" ,.;:!?"))
        trail = len(chunk.rstrip(" ,;:"))
        pieces.append(_Piece("speech", chunk[lead:trail], start + lead, start + trail))


@lru_cache(maxsize=None)
def _probe(voice: str) -> bytes:
    """A short sentence spoken by ``voice``, as WAV bytes (espeak-ng is deterministic)."""
    return subprocess.run(["espeak-ng", "-v", voice, "--stdout", "Checking the voice."],
                          check=True, capture_output=True).stdout


def check_voice(voice: str) -> None:
    """Stop if espeak-ng ignores the ``+variant`` of ``voice``.

    espeak-ng 1.51 speaks "en-gb+f3" (any variant on "en-gb") byte for byte like plain "en-gb", a
    man's voice, so a reference would name a voice that was never spoken. "en+f3" is its British
    English with the female variant.
    """
    base, plus, variant = voice.partition("+")
    if plus and _probe(voice) == _probe(base):
        raise SystemExit(f"espeak-ng ignores the variant {variant!r} of {voice!r} and speaks plain {base!r}; "
                         f"choose a voice it applies the variant to (e.g. 'en+{variant}' for British English)")


def _speak(text: str, line: Line, workdir: Path, index: int) -> np.ndarray:
    """espeak-ng -> sox (trim silence at both ends, 16 kHz mono) -> float32 samples."""
    raw, trimmed = workdir / f"{index}.raw.wav", workdir / f"{index}.wav"
    cmd = ["espeak-ng", "-v", line.voice or VOICES[line.role], "-s", str(WORDS_PER_MINUTE), "-w", str(raw)]
    if line.pitch is not None:
        cmd += ["-p", str(line.pitch)]
    if line.pitch_range is not None:
        cmd += ["-P", str(line.pitch_range)]
    subprocess.run([*cmd, text], check=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(trimmed),
         "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"],
        check=True,
    )
    with wave.open(str(trimmed)) as wav:
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype=np.int16).astype(np.float32) / 32768.0


def synthesize_dialogue(lines: list[Line], out_path: Path, *, stereo: bool = False) -> dict:
    """Speak ``lines`` into ``out_path`` (``.ogg`` Opus, ``.mp3`` or ``.wav``) and return the
    reference: turns with speaker/role/text/start/end, pauses and fillers (seconds).

    ``stereo=True`` puts each speaker on their own channel (first speaker left) instead of
    one mono mix.
    """
    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        raise SystemExit("make_sample_audio needs espeak-ng and sox: apt-get install espeak-ng sox")
    for voice in {line.voice or VOICES[line.role] for line in lines}:
        check_voice(voice)
    speakers = list(dict.fromkeys(line.speaker for line in lines))
    if stereo and len(speakers) != 2:
        raise ValueError("stereo output needs exactly two speakers")
    chunks: list[tuple[int, np.ndarray]] = []  # (channel, samples), laid end to end
    turns, pauses, fillers = [], [], []
    clock = 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for turn_index, line in enumerate(lines):
            channel = speakers.index(line.speaker) if stereo else 0
            text, pieces = _parse(line.text)
            clock += int(line.gap_before_s * SAMPLE_RATE) if turn_index else int(0.5 * SAMPLE_RATE)
            turn_start = clock
            previous = None
            for piece in pieces:
                if piece.kind == "pause":
                    start = clock
                    clock += int(piece.seconds * SAMPLE_RATE)
                    pauses.append({"turn": turn_index, "start": start / SAMPLE_RATE, "end": clock / SAMPLE_RATE,
                                   "char": piece.start_char})
                    previous = piece
                    continue
                if previous is not None and previous.kind != "pause":
                    clock += int((GAP_AFTER_FILLER_S if previous.kind == "filler" else GAP_IN_TURN_S) * SAMPLE_RATE)
                samples = _speak(piece.text, line, workdir, len(chunks))
                chunks.append((channel, np.pad(samples, (clock, 0))))
                if piece.kind == "filler":
                    fillers.append({"turn": turn_index, "word": piece.text.lower(), "start": clock / SAMPLE_RATE,
                                    "end": (clock + len(samples)) / SAMPLE_RATE,
                                    "start_char": piece.start_char, "end_char": piece.end_char})
                clock += len(samples)
                previous = piece
            turns.append({"speaker": line.speaker, "role": line.role, "voice": line.voice or VOICES[line.role],
                          "text": text, "start": turn_start / SAMPLE_RATE, "end": clock / SAMPLE_RATE})
    total = clock + int(0.5 * SAMPLE_RATE)
    mix = np.zeros((2 if stereo else 1, total), dtype=np.float32)
    for channel, samples in chunks:
        mix[channel, : len(samples)] += samples
    _write_audio(np.clip(mix, -1.0, 1.0), out_path)
    return {
        "audio": out_path.name,
        "sample_rate": SAMPLE_RATE,
        "channels": "stereo: one speaker per channel, first speaker left" if stereo else "mono",
        "duration_s": total / SAMPLE_RATE,
        "generator": "scripts/make_sample_audio.py (espeak-ng + sox)",
        "turns": [{k: round(v, 3) if isinstance(v, float) else v for k, v in t.items()} for t in turns],
        "pauses": [{k: round(v, 3) if isinstance(v, float) else v for k, v in p.items()} for p in pauses],
        "fillers": [{k: round(v, 3) if isinstance(v, float) else v for k, v in f.items()} for f in fillers],
    }


def _write_audio(mix: np.ndarray, out_path: Path) -> None:
    """Encode float32 ``(channels, samples)`` with PyAV: Opus in Ogg, MP3 or 16-bit WAV."""
    import av

    codec = {".ogg": "libopus", ".opus": "libopus", ".mp3": "libmp3lame", ".wav": "pcm_s16le"}[out_path.suffix]
    layout = "stereo" if mix.shape[0] == 2 else "mono"
    pcm = (mix * 32767).astype(np.int16)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out_path), "w") as container:
        stream = container.add_stream(codec, rate=SAMPLE_RATE, layout=layout)
        if codec != "pcm_s16le":
            stream.bit_rate = 24000 * mix.shape[0]
        frame_size = 960
        for offset in range(0, pcm.shape[1], frame_size):
            block = np.ascontiguousarray(pcm[:, offset : offset + frame_size].T.reshape(1, -1))
            frame = av.AudioFrame.from_ndarray(block, format="s16", layout=layout)
            frame.sample_rate = SAMPLE_RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


SAMPLES: dict[str, list[Line]] = {
    "mock_interview_audio": [
        Line("Interviewer", "interviewer", "Hi, thanks for coming in today. Shall we get started?"),
        Line("Candidate", "candidate", "Sure, thanks for having me."),
        Line("Interviewer", "interviewer",
             "Tell me about a time when you had to deliver a project under a tight deadline."),
        Line("Candidate", "candidate",
             "Um, last spring our team had three weeks to move the billing system to a new database. "
             "[pause 2.5] I was responsible for the data export. Uh, I split the work into small daily goals "
             "and paired with a colleague on the riskiest tables. We finished two days early, and the "
             "support tickets about billing dropped by thirty percent."),
        Line("Interviewer", "interviewer", "Why did you leave your last job?"),
        Line("Candidate", "candidate",
             "Well, the company was reorganised and my role changed a lot. [pause 2.0] Um, I wanted more "
             "room to grow, so I started looking for a team that builds products from the ground up."),
        Line("Interviewer", "interviewer", "How many years have you worked with Python?"),
        Line("Candidate", "candidate", "Uh, about six years, mostly on data pipelines."),
        Line("Interviewer", "interviewer", "What would your last manager say you could improve?"),
        Line("Candidate", "candidate",
             "Hmm, probably delegation. Um, I used to take on the hard tickets myself. [pause 2.2] Now I "
             "write a short plan first, and I hand out the pieces, uh, so the whole team learns the system."),
        Line("Interviewer", "interviewer", "Great. Do you have any questions for me?"),
        Line("Candidate", "candidate", "Yes. What does a typical week look like for this team?"),
    ],
    "weak_candidate_audio": [
        Line("Interviewer", "interviewer", "Thanks for joining. Can you tell me about a time you disagreed with a colleague?",
             voice="en-gb-x-rp+m1"),
        Line("Candidate", "candidate",
             "Uh, yeah. So, um, there was this guy on my team who, uh, never tested his code. [pause 2.8] "
             "Um, I told him a few times, and, uh, he just ignored it. I guess it was fine in the end, "
             "um, I don't really know.", voice="en-us+f4"),
        Line("Interviewer", "interviewer", "Why are you leaving your current job?", voice="en-gb-x-rp+m1"),
        Line("Candidate", "candidate",
             "Honestly, uh, my manager is terrible. Um, he never listens, and the company, uh, does not pay "
             "on time. [pause 3.0] Hmm, I just want something, um, less chaotic.", voice="en-us+f4"),
        Line("Interviewer", "interviewer", "Which database did you use in your last project?", voice="en-gb-x-rp+m1"),
        Line("Candidate", "candidate", "Um, Postgres, I think. Uh, mostly Postgres.", voice="en-us+f4"),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent.parent / "sample_transcripts")
    args = parser.parse_args()
    for stem, lines in SAMPLES.items():
        audio = args.out_dir / f"{stem}.ogg"
        reference = synthesize_dialogue(lines, audio)
        (args.out_dir / f"{stem}.reference.json").write_text(json.dumps(reference, indent=2) + "\n")
        print(f"wrote {audio} ({audio.stat().st_size // 1024} KB, {reference['duration_s']:.1f} s)")


if __name__ == "__main__":
    main()
