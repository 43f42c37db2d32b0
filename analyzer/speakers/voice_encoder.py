"""resemblyzer's pretrained speaker encoder in ONNX Runtime, converted once at first use (issue #25).

The encoder (a 3-layer LSTM over 40-band mel frames, weights inside the ``resemblyzer`` package)
is exported with ``torch.onnx`` into the user cache the first time it is needed; afterwards
diarization runs it in ONNX Runtime and never imports torch (about 0.25 CPU s less per second
of batched windows, and torch's memory). The mel spectrogram is librosa's with resemblyzer's
parameters (:func:`mel_frames`), so importing resemblyzer (whose package imports torch) is not
needed either. Outputs match resemblyzer's own within 1e-4 (``tests/test_voice_encoder.py``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import warnings
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from analyzer.errors import ModelMissingError
from analyzer.fileio import first_use_lock, run_main_in_child
from analyzer.resources import cache_dir

if TYPE_CHECKING:
    import onnxruntime

log = logging.getLogger("analyzer")

SAMPLE_RATE = 16000
MEL_WINDOW_SAMPLES = 400
"""resemblyzer's 25 ms analysis window..."""
MEL_HOP_SAMPLES = 160
"""...every 10 ms (100 frames per second)..."""
MEL_BANDS = 40
"""...in 40 mel bands (``resemblyzer.hparams``)."""
FRAMES_PER_S = SAMPLE_RATE // MEL_HOP_SAMPLES
WINDOW_FRAMES = 160
"""Frames of one partial window (1.6 s): the encoder's input length."""
TARGET_DBFS = -30.0
"""resemblyzer levels every utterance to this loudness."""
OPSET = 17


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """(frames, 40) float32 mel power spectrogram of 16 kHz ``samples``, as resemblyzer's
    ``wav_to_mel_spectrogram`` computes it."""
    import librosa

    mel = librosa.feature.melspectrogram(
        y=samples, sr=SAMPLE_RATE, n_fft=MEL_WINDOW_SAMPLES, hop_length=MEL_HOP_SAMPLES, n_mels=MEL_BANDS
    )
    return mel.astype(np.float32).T


def _package_dir() -> Path:
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("the resemblyzer package (the speaker encoder's weights) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def onnx_path() -> Path:
    """Where the converted encoder of the installed resemblyzer lives in the user cache."""
    return cache_dir() / "voice" / f"resemblyzer-{version('resemblyzer')}.onnx"


def convert_once() -> Path:
    """The converted encoder, exported now from resemblyzer's ``pretrained.pt`` if not cached yet."""
    target = onnx_path()
    if target.is_file():
        return target
    with first_use_lock(target):
        if target.is_file():
            return target
        weights = _package_dir() / "pretrained.pt"
        if not weights.is_file():
            raise ModelMissingError(f"resemblyzer's weights {weights} are missing; reinstall resemblyzer")
        temporary = target.with_name(f"{target.stem}.tmp{os.getpid()}.onnx")
        try:
            log.info("converting resemblyzer's speaker encoder to ONNX, once")
            run_main_in_child(__name__, [str(temporary)])  # torch's warnings stay in the child
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return target


def _export(target: Path) -> None:
    import torch

    from resemblyzer import VoiceEncoder

    encoder = VoiceEncoder("cpu", verbose=False).eval()
    example = torch.ones(2, WINDOW_FRAMES, MEL_BANDS)
    with torch.inference_mode():
        torch.onnx.export(encoder, (example,), str(target), opset_version=OPSET, dynamo=False,
                          input_names=["mels"], output_names=["embeddings"],
                          dynamic_axes={"mels": {0: "windows"}, "embeddings": {0: "windows"}})


def main() -> None:
    """The child process of :func:`convert_once`: export the encoder to the path given as the one argument."""
    warnings.simplefilter("ignore")  # webrtcvad's pkg_resources, torch.onnx's tracer; this process does nothing else
    _export(Path(sys.argv[1]))


class VoiceEncoder:
    """Unit-length 256-d voice embeddings of (windows, 160, 40) mel frame batches."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread: the small LSTM runs slower with several on a busy CPU (as it did in torch).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session: "onnxruntime.InferenceSession" = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, mels: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"mels": np.ascontiguousarray(mels, dtype=np.float32)})[0]


@lru_cache(maxsize=1)
def load_voice_encoder() -> VoiceEncoder:
    """The encoder, converted on first use and loaded once per process."""
    return VoiceEncoder(convert_once())
