"""resemblyzer's speaker encoder in ONNX Runtime gives resemblyzer's own embeddings, without torch (issue #25)."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

from analyzer.readers.audio import decode_audio
from analyzer.speakers.embeddings import Stretch, embed_stretches
from analyzer.speakers.voice_encoder import WINDOW_FRAMES, load_voice_encoder, mel_frames

ROOT = Path(__file__).resolve().parent.parent
RECORDING = ROOT / "tests" / "fixtures" / "similar_questions.ogg"


def resemblyzer_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # webrtcvad imports the deprecated pkg_resources
        import resemblyzer

    return resemblyzer


def test_mel_frames_are_resemblyzers() -> None:
    samples = decode_audio(RECORDING).samples
    np.testing.assert_array_equal(mel_frames(samples), resemblyzer_module().wav_to_mel_spectrogram(samples))


def test_onnx_encoder_gives_resemblyzers_embeddings_within_1e_4() -> None:
    import torch

    samples = decode_audio(RECORDING).samples
    mel = mel_frames(samples) * 3e4  # about the -30 dBFS levelling of embed_stretches
    windows = np.stack([mel[i : i + WINDOW_FRAMES] for i in range(0, len(mel) - WINDOW_FRAMES, 37)])
    reference_encoder = resemblyzer_module().VoiceEncoder("cpu", verbose=False)
    with torch.no_grad():
        reference = reference_encoder(torch.from_numpy(windows)).numpy()
    converted = load_voice_encoder()(windows)
    assert converted.shape == reference.shape == (len(windows), 256)
    assert len(windows) > 20
    np.testing.assert_allclose(converted, reference, atol=1e-4)


def test_voice_embeddings_do_not_import_torch() -> None:
    load_voice_encoder()  # converted (once) in the shared test cache
    code = (
        "import sys; from analyzer.readers.audio import decode_audio; "
        "from analyzer.speakers.embeddings import Stretch, embed_stretches; "
        f"audio = decode_audio({str(RECORDING)!r}); "
        "voices = embed_stretches(audio.samples, [Stretch(0.5, 3.0, ()), Stretch(4.0, 4.5, ())]); "
        "print(len(voices), voices[0].embedding.shape, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "2 (256,) False"


def test_stretch_embeddings_are_unit_vectors_of_their_windows() -> None:
    samples = decode_audio(RECORDING).samples
    voices = embed_stretches(samples, [Stretch(0.5, 3.0, ()), Stretch(4.0, 4.5, ())])
    assert [len(v.partials) for v in voices] == [4, 1]  # 2.5 s: windows at 0, 0.25, 0.5, 0.75 s; 0.5 s: one, repeated
    for voice in voices:
        assert abs(np.linalg.norm(voice.embedding) - 1) < 1e-5
        np.testing.assert_allclose(np.linalg.norm(voice.partials, axis=1), 1, atol=1e-5)
