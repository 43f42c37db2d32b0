"""Convert a bundled encoder checkpoint into an ONNX Runtime model, once, offline (issue #25).

The transformer of an unpacked checkpoint (:func:`analyzer.text.encoder.model_dir`) is cut after
``depth`` layers (the states of those layers are exactly the whole model's), exported with
``torch.onnx`` to a graph whose output is the last kept layer's states, and, for ``int8``, its weight
matrix products quantized dynamically with ``onnxruntime.quantization`` (per output channel, reduced
range: full-range int8 products saturate on CPUs without VNNI and wreck the states). The result is
written atomically into the user cache.

The conversion runs in a child process (:func:`main`, through :func:`analyzer.fileio.run_main_in_child`),
so torch's warnings never reach the console and torch and transformers never load into the analysing
process.
"""

from __future__ import annotations

import argparse
import logging
import os
import warnings
from pathlib import Path

from analyzer.fileio import first_use_lock, run_main_in_child

log = logging.getLogger("analyzer")

OPSET = 17
PRECISIONS = ("float32", "int8")


def onnx_path(checkpoint_dir: Path, depth: int, precision: str) -> Path:
    """Where the converted model of ``checkpoint_dir`` cut after ``depth`` layers lives."""
    return checkpoint_dir.parent / "onnx" / f"{checkpoint_dir.name}-L{depth}-{precision}.onnx"


def convert_once(checkpoint_dir: Path, depth: int, precision: str) -> Path:
    """The converted model, converted now if it is not in the cache yet (a minute at most)."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown encoder precision {precision!r}; choose from {', '.join(PRECISIONS)}")
    target = onnx_path(checkpoint_dir, depth, precision)
    if target.is_file():
        return target
    full = convert_once(checkpoint_dir, depth, "float32") if precision == "int8" else None
    with first_use_lock(target):
        if target.is_file():
            return target
        temporary = target.with_name(f"{target.stem}.tmp{os.getpid()}.onnx")
        try:
            log.info("converting %s (first %d layers, %s) to ONNX, once", checkpoint_dir.name, depth, precision)
            run_main_in_child(__name__, ["quantize", str(full), str(temporary)] if full else
                              ["export", str(checkpoint_dir), str(depth), str(temporary)])
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return target


def _export(checkpoint_dir: Path, depth: int, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(checkpoint_dir, local_files_only=True, add_pooling_layer=False).eval()
    if depth > len(model.encoder.layer):
        raise ValueError(f"{checkpoint_dir.name} has {len(model.encoder.layer)} layers, not {depth}")
    model.encoder.layer = model.encoder.layer[:depth]
    model.config.num_hidden_layers = depth

    class LastStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: "torch.Tensor", attention_mask: "torch.Tensor") -> "torch.Tensor":
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 5, 6, 2, 1]])
    axes = {0: "batch", 1: "tokens"}
    with torch.inference_mode():
        torch.onnx.export(LastStates(), (ids, torch.ones_like(ids)), str(target), opset_version=OPSET, dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=["states"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "states": axes})


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic advises "pre-processing" on the root logger
    quantize_dynamic(source, target, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                     per_channel=True, reduce_range=True, extra_options={"MatMulConstBOnly": True})


def main(argv: list[str] | None = None) -> None:
    """The child process of :func:`convert_once`: ``export CHECKPOINT DEPTH TARGET`` or ``quantize SOURCE TARGET``."""
    parser = argparse.ArgumentParser(prog="onnx_export")
    steps = parser.add_subparsers(dest="step", required=True)
    export = steps.add_parser("export")
    export.add_argument("checkpoint", type=Path)
    export.add_argument("depth", type=int)
    export.add_argument("target", type=Path)
    quantize = steps.add_parser("quantize")
    quantize.add_argument("source", type=Path)
    quantize.add_argument("target", type=Path)
    arguments = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # the tracer's and quantizer's notes; this process does nothing else
    if arguments.step == "export":
        _export(arguments.checkpoint, arguments.depth, arguments.target)
    else:
        _quantize(arguments.source, arguments.target)

