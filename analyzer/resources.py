"""Where bundled files live: trained models (``models/``) and the report schema."""

from __future__ import annotations

from pathlib import Path

from analyzer.errors import ModelMissingError

_SOURCE_MODELS = Path(__file__).resolve().parent.parent / "models"


def models_dir() -> Path:
    """The trained-model directory: installed as ``analyzer.models``, or ``models/`` of a checkout."""
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


def schema_file() -> Path:
    return Path(__file__).resolve().parent / "schema" / "report.schema.json"
