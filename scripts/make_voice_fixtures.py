"""Synthesise the monotone and lively voice fixtures used by tests/test_enthusiasm.py.

The same answer is spoken twice by espeak-ng (voice en-us), once with an SSML pitch range of
``x-low`` (monotone) and once with ``x-high`` (lively), resampled to 16 kHz mono and written as
small Ogg Vorbis files, so the tests need neither espeak-ng nor network access:

    python scripts/make_voice_fixtures.py   # writes tests/fixtures/voice_{monotone,lively}.ogg
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import librosa
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TEXT = (
    "I am really excited about this role. Your team builds tools that millions of people use "
    "every day, and I would love to help make them faster and easier to use."
)
RANGES = {"monotone": "x-low", "lively": "x-high"}
SAMPLE_RATE = 16000


def synthesise(text: str, pitch_range: str, out: Path) -> None:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SystemExit("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        ssml = f'<speak><prosody range="{pitch_range}">{text}</prosody></speak>'
        subprocess.run([espeak, "-v", "en-us", "-m", "-w", str(wav), ssml], check=True)
        samples, _ = librosa.load(wav, sr=SAMPLE_RATE, mono=True)
    sf.write(out, samples, SAMPLE_RATE, format="OGG", subtype="VORBIS", compression_level=0.8)


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "voice_answer.txt").write_text(TEXT + "\n", encoding="utf-8")
    for name, pitch_range in RANGES.items():
        out = FIXTURES / f"voice_{name}.ogg"
        synthesise(TEXT, pitch_range, out)
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
