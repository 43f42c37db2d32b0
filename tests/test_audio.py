"""Audio decoding (PyAV), bad-audio errors, bounded memory and silences measured by Silero VAD."""

from __future__ import annotations

import json
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from analyzer.asr.vad import measure_silences, silences_between, speech_regions
from analyzer.errors import InputError
from analyzer.readers import AUDIO_EXTENSIONS
from analyzer.readers.audio import SAMPLE_RATE, decode_audio
from analyzer.recording import read_recording

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "sample_transcripts" / "mock_interview_audio.ogg"
SAMPLE_REFERENCE = json.loads(SAMPLE.with_name("mock_interview_audio.reference.json").read_text())


def write_wav(path: Path, samples: np.ndarray, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_stereo_flac_is_downmixed_and_channels_kept() -> None:
    audio = decode_audio(FIXTURES / "jfk.flac")
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration_s == pytest.approx(11.0, abs=0.05)
    assert audio.source_channels == 2
    assert audio.channels is not None and audio.channels.shape == (2, len(audio.samples))
    assert np.allclose(audio.samples, audio.channels.mean(axis=0), atol=1e-6)
    assert len(audio.sha256) == 64


def test_mono_opus_sample_decodes() -> None:
    audio = decode_audio(SAMPLE)
    assert audio.channels is None
    assert audio.duration_s == pytest.approx(SAMPLE_REFERENCE["duration_s"], abs=0.1)
    assert 0.05 < float(np.abs(audio.samples).max()) <= 1.0


def test_resamples_other_rates(tmp_path: Path) -> None:
    import av

    path = tmp_path / "tone.mp3"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libmp3lame", rate=44100, layout="mono")
        t = np.arange(44100 * 2) / 44100
        pcm = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
        for offset in range(0, len(pcm), 1152):
            frame = av.AudioFrame.from_ndarray(pcm[None, offset : offset + 1152], format="s16", layout="mono")
            frame.sample_rate = 44100
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    audio = decode_audio(path)
    assert audio.duration_s == pytest.approx(2.0, abs=0.1)


def test_missing_empty_corrupt_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        decode_audio(tmp_path / "nope.wav")
    with pytest.raises(InputError, match="is a directory"):
        decode_audio(tmp_path)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        decode_audio(empty)
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(InputError, match="not a readable audio file|no audio track|no decodable"):
        decode_audio(corrupt)


def test_header_only_wav_has_no_samples(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "zero.wav", np.zeros(0))
    with pytest.raises(InputError, match="no decodable samples"):
        decode_audio(path)


def test_video_without_audio_track(tmp_path: Path) -> None:
    import av

    path = tmp_path / "silent_video.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(InputError, match="no audio track"):
        decode_audio(path)


def test_over_long_recording_is_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", np.zeros(3 * SAMPLE_RATE))
    with pytest.raises(InputError, match="over the limit"):
        decode_audio(path, max_duration_s=1.0)


def test_long_file_decodes_without_a_second_full_copy(tmp_path: Path) -> None:
    seconds = 300
    path = write_wav(tmp_path / "five_minutes.wav", np.zeros(seconds * SAMPLE_RATE))
    output_bytes = seconds * SAMPLE_RATE * 4
    tracemalloc.start()
    try:
        audio = decode_audio(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert audio.duration_s == pytest.approx(seconds, abs=0.1)
    assert peak < 1.3 * output_bytes, f"peak {peak / 1e6:.0f} MB for {output_bytes / 1e6:.0f} MB of samples"


def test_silences_are_the_complement_of_speech() -> None:
    assert silences_between([(1.0, 2.0), (2.1, 4.0)], 6.0, 0.3) == [(0.0, 1.0), (4.0, 6.0)]
    assert silences_between([], 2.0, 0.3) == [(0.0, 2.0)]


def test_scripted_pauses_are_measured_from_the_audio() -> None:
    audio = decode_audio(SAMPLE)
    silences = measure_silences(audio.samples)
    long_silences = [s for s in silences if s[1] - s[0] >= 1.5]
    scripted = [(p["start"], p["end"]) for p in SAMPLE_REFERENCE["pauses"]]
    assert len(long_silences) == len(scripted)
    for (start, end), (ref_start, ref_end) in zip(long_silences, scripted):
        assert start == pytest.approx(ref_start, abs=0.12)
        assert end == pytest.approx(ref_end, abs=0.12)
    # the short gaps between turns (0.6 s in the script) are silences too
    turns = SAMPLE_REFERENCE["turns"]
    for before, after in zip(turns, turns[1:]):
        assert any(s <= before["end"] + 0.12 and e >= after["start"] - 0.12 for s, e in silences)


@pytest.mark.parametrize("settings", [
    {"threshold": 0.5, "min_silence_s": 0.3, "min_speech_s": 0.1, "pad_s": 0.0},  # speech to transcribe
    {"threshold": 0.25, "min_silence_s": 0.3, "min_speech_s": 0.1, "pad_s": 0.0},  # measured silences
    {"threshold": 0.5, "min_silence_s": 0.1, "min_speech_s": 0.1, "pad_s": 0.0},  # the ASR second pass
    {"threshold": 0.5, "min_silence_s": 0.05, "min_speech_s": 0.1, "pad_s": 0.03},  # diarization
    {"threshold": 0.6, "min_silence_s": 0.5, "min_speech_s": 0.25, "pad_s": 0.4},
])
def test_speech_regions_are_faster_whispers_speech_timestamps(settings: dict[str, float]) -> None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    for samples in (decode_audio(SAMPLE).samples, decode_audio(FIXTURES / "stereo_diarization.wav").channels[1].copy()):
        options = VadOptions(threshold=settings["threshold"], min_speech_duration_ms=int(settings["min_speech_s"] * 1000),
                             min_silence_duration_ms=int(settings["min_silence_s"] * 1000),
                             speech_pad_ms=int(settings["pad_s"] * 1000))
        expected = [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in get_speech_timestamps(samples, options)]
        assert expected
        assert speech_regions(samples, **settings) == expected


def test_one_recording_runs_the_vad_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from faster_whisper import vad as faster_whisper_vad

    calls = []
    model = faster_whisper_vad.get_vad_model()
    monkeypatch.setattr(faster_whisper_vad, "get_vad_model", lambda: calls.append(1) or model)
    samples = decode_audio(SAMPLE).samples
    speech_regions(samples, min_silence_s=0.3)
    measure_silences(samples)
    speech_regions(samples, min_silence_s=0.05, pad_s=0.03)
    assert len(calls) == 1
    speech_regions(samples.copy())  # other samples: run again
    assert len(calls) == 2


def test_silence_only_gives_an_empty_transcript(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(5 * SAMPLE_RATE))
    transcript, audio = read_recording(path, {"quiet": True})
    assert transcript.turns == []
    assert transcript.silences == [(0.0, 5.0)]
    assert transcript.format == "audio" and transcript.audio.duration_s == pytest.approx(5.0)


def test_extensions_cover_the_issue_formats() -> None:
    assert {".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".webm", ".mp4"} <= AUDIO_EXTENSIONS


def test_checks_models_load_once_whisper_is_released(monkeypatch) -> None:
    """A recording's checks' models load after its words are recognised and Whisper is released (loaded
    beside Whisper they made the process peak at 2 GiB, issue #25), while its speakers are told apart."""
    import functools
    import threading

    from analyzer import asr, recording
    from analyzer.checks import preload
    from analyzer.pipeline import Analyzer

    class Diarizing(Exception):
        pass

    monkeypatch.setattr(asr, "get_engine", functools.lru_cache(lambda name=None, model=None: object()))
    asr.get_engine()
    events: list[object] = []

    def start(enabled: list[str]) -> threading.Thread:
        events.append(("preloading, engines loaded:", asr.get_engine.cache_info().currsize))
        return threading.Thread()

    def read(path: Path, settings: dict, transcribed=None):
        events.append("recognised")
        transcribed()
        events.append("diarizing")
        raise Diarizing

    monkeypatch.setattr(preload, "start", start)
    monkeypatch.setattr(recording, "read_recording", read)
    with pytest.raises(Diarizing):
        Analyzer().analyze(SAMPLE)
    assert events == ["recognised", ("preloading, engines loaded:", 0), "diarizing"]
