"""audio-quality on recordings with known defects made with sox (from espeak-ng speech over a faint room
noise): clipped, quiet, noisy, with dropouts, one side louder; and on the clean ones, the bundled samples
included, which it must not flag."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analyzer.checks import audio_quality as check_module
from analyzer.checks.context import Findings, SessionContext
from analyzer.datamodel import Transcript, Turn
from analyzer.readers.audio import decode_audio

pytestmark = pytest.mark.skipif(not (shutil.which("sox") and shutil.which("espeak-ng")),
                                reason="sox and espeak-ng make the test recordings (apt-get install sox espeak-ng)")

SPEECH = ("Last spring I led the checkout redesign at an online retailer. Two weeks before the holiday sale, "
          "our payment provider retired the interface we depended on. I split the migration into three small "
          "releases and we shipped four days early.")


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("audio_quality")
    subprocess.run(["espeak-ng", "-w", str(d / "tts.wav"), SPEECH], check=True, capture_output=True)
    sox(str(d / "tts.wav"), "-r", "16000", str(d / "speech.wav"))
    length = subprocess.run(["soxi", "-D", str(d / "speech.wav")], check=True, capture_output=True,
                            text=True).stdout.strip()
    sox("-n", "-r", "16000", str(d / "room.wav"), "synth", length, "brownnoise", "vol", "0.004")
    sox("-m", str(d / "speech.wav"), str(d / "room.wav"), str(d / "clean.wav"))
    clean = str(d / "clean.wav")
    sox(clean, str(d / "clipped.wav"), "gain", "20")
    sox(clean, str(d / "quiet.wav"), "gain", "-45")
    sox("-n", "-r", "16000", str(d / "hiss.wav"), "synth", length, "whitenoise", "vol", "0.15")
    sox("-m", clean, str(d / "hiss.wav"), str(d / "noisy.wav"))
    sox("-n", "-r", "16000", "-c", "1", str(d / "gap.wav"), "trim", "0", "0.25")
    sox(clean, str(d / "a.wav"), "trim", "0", "3.0")
    sox(clean, str(d / "b.wav"), "trim", "3.25", "2.0")
    sox(clean, str(d / "c.wav"), "trim", "5.5")
    sox(*(str(d / n) for n in ("a.wav", "gap.wav", "b.wav", "gap.wav", "c.wav", "dropouts.wav")))
    sox(clean, str(d / "first.wav"), "trim", "0", "6.5")
    sox(clean, str(d / "second.wav"), "trim", "6.5", "gain", "-22")
    sox(str(d / "first.wav"), str(d / "second.wav"), str(d / "sides.wav"))
    return {p.stem: p for p in d.glob("*.wav")}


def run(path: Path, turns: list[Turn] | None = None, **options: object) -> Findings:
    audio = decode_audio(path)
    session = SessionContext(answers=[], transcript=Transcript(turns=turns or []), audio=audio.samples,
                             sample_rate=audio.sample_rate)
    return check_module.check(session, {**check_module.RULE.defaults(), **options})


def measures(found: Findings) -> list[str]:
    return [f.measure for f in found.flags]


def test_clean_recordings_are_not_flagged(recordings: dict[str, Path], samples: Path):
    for path in (recordings["clean"], samples / "mock_interview_audio.ogg", samples / "weak_candidate_audio.ogg"):
        found = run(path)
        assert found.flags == [], (path.name, found.metrics, [f.message for f in found.flags])
        assert found.metrics["snr_db"] > 15 and found.metrics["clipped_share"] == 0


def test_clipping_is_flagged_with_its_stretches(recordings: dict[str, Path]):
    found = run(recordings["clipped"])
    assert measures(found) == ["clipped_share"]
    flag = found.flags[0]
    assert flag.value > flag.threshold == 0.001 and "gain" in flag.suggestion
    assert flag.evidence and all(e.start_s is not None and e.end_s > e.start_s for e in flag.evidence)


def test_a_quiet_recording_is_flagged(recordings: dict[str, Path]):
    found = run(recordings["quiet"])
    assert measures(found) == ["speech_level_dbfs"] and found.metrics["speech_level_dbfs"] < -40


def test_background_noise_is_flagged_by_its_snr(recordings: dict[str, Path]):
    found = run(recordings["noisy"])
    assert measures(found) == ["snr_db"] and found.flags[0].value < 15
    assert found.flags[0].evidence[0].start_s == 0.0


def test_dropouts_are_found_where_the_audio_was_cut(recordings: dict[str, Path]):
    found = run(recordings["dropouts"])
    assert measures(found) == ["dropouts"] and found.metrics["dropouts"] == 2
    assert [(e.start_s, e.end_s) for e in found.flags[0].evidence] == [(3.0, 3.25), (5.25, 5.5)]


def test_one_side_much_louder_is_flagged_per_speaker(recordings: dict[str, Path]):
    turns = [Turn("Interviewer", "...", 0.0, 6.5), Turn("Candidate", "...", 6.5, 13.0)]
    found = run(recordings["sides"], turns)
    assert measures(found) == ["speaker_gap_db"] and found.metrics["speaker_gap_db"] >= 15
    assert found.flags[0].message.startswith("Interviewer is")
    assert not run(recordings["clean"], turns).flags


def test_a_transcript_is_outside_the_rule():
    found = check_module.check(SessionContext(answers=[], transcript=Transcript(turns=[])),
                               check_module.RULE.defaults())
    assert not found.assessed and not found.flags
