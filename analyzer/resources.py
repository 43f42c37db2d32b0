"""Where files live: bundled trained models (``models/``), the report schema and the user cache."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from analyzer.datamodel import SCHEMA_VERSION
from analyzer.errors import ModelMissingError
from analyzer.fileio import file_sha256

_SOURCE_MODELS = Path(__file__).resolve().parent.parent / "models"


def models_dir() -> Path:
    """The trained-model directory: ``models/`` of the checkout this code runs from, else the installed
    ``analyzer.models`` (an editable install of another checkout must not lend its models to this code)."""
    if (_SOURCE_MODELS / "__init__.py").is_file():
        return _SOURCE_MODELS
    try:
        from importlib.resources import files

        installed = Path(str(files("analyzer.models")))
        if installed.is_dir():
            return installed
    except ModuleNotFoundError:
        pass
    return _SOURCE_MODELS


def model_file(name: str) -> Path:
    """Path of a bundled model file, with a clear error when it is missing."""
    path = models_dir() / name
    if not path.exists():
        raise ModelMissingError(
            f"bundled model file {name!r} is missing from {path.parent}; reinstall interview-analyzer "
            f"or rebuild it with the script named in models/{Path(name).stem}.md"
        )
    return path


@lru_cache(maxsize=1)
def build_fingerprint() -> str:
    """SHA-256 over the analyzer's own files (code, templates, schemas) and its bundled models.

    It changes whenever what produces a report does, released or not, so batch reuses a finished
    report only under the same build (the version number alone stays the same between releases).
    """
    package = Path(__file__).resolve().parent
    files = {  # keyed by root too: analyzer/__init__.py and a checkout's models/__init__.py share a name
        f"{label}/{path.relative_to(root)}": path
        for label, root in (("analyzer", package), ("models", models_dir()))
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{file_sha256(files[name])}\0".encode())
    return digest.hexdigest()


def schema_file(version: int | None = None) -> Path:
    """The JSON Schema of reports of ``version`` (default: the current one)."""
    name = "report.schema.json" if version in (None, SCHEMA_VERSION) else f"report-{version}.schema.json"
    return Path(__file__).resolve().parent / "report" / "schema" / name


def cache_dir() -> Path:
    """Per-user cache directory (``$INTERVIEW_ANALYZER_CACHE`` overrides it)."""
    env = os.environ.get("INTERVIEW_ANALYZER_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("interview-analyzer"))
