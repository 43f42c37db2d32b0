"""One server per data folder: an exclusive lock on ``DIR/.workspace.lock`` (released when the process dies)."""

from __future__ import annotations

import io
from pathlib import Path

from analyzer.errors import ConfigError


class DataLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / ".workspace.lock"
        self._stream: io.TextIOWrapper | None = None

    def __enter__(self) -> "DataLock":
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = open(self.path, "a", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot use --data {self.path.parent}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self._stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._stream.close()
            raise ConfigError(f"another workspace server is using {self.path.parent}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream:
            self._stream.close()
