"""Shared fixtures: paths to the bundled samples and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_transcripts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep per-user caches of the tool out of the user's home, shared across one test session."""
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
