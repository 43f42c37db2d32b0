"""A small, bounded version of scripts/bench_workspace.py (the 50-client run is in docs/benchmarks.md):
concurrent coaches browse and review on 127.0.0.1 while a session is analysed; no error, no lost review."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workspace extra is not installed: pip install '.[workspace]'")

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_workspace.py"


def test_concurrent_browsing_and_reviewing_while_analysing(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("bench_workspace", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(clients=6, seconds=8, analyses=1, data=tmp_path)
    assert result["errors"] == 0, result["error_examples"]
    assert result["lost_reviews"] == []
    assert result["verdict_saves"] > 0 and result["comments_acknowledged"] > 0 and result["pages"] > 0
