"""An exclusive lock on the output directory: two batches never write it at once."""

from __future__ import annotations

import io
from pathlib import Path

from analyzer.errors import ConfigError

LOCK_FILE = ".batch.lock"


class BatchLock:
    """An exclusive lock on ``--out`` so two batches never write the same directory at once."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / LOCK_FILE
        self._stream: io.TextIOWrapper | None = None

    def __enter__(self) -> "BatchLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = open(self.path, "a", encoding="utf-8")
        except (FileExistsError, NotADirectoryError):
            raise ConfigError(f"--out {self.path.parent} is a file, or inside one, not a directory") from None
        except OSError as exc:
            raise ConfigError(f"cannot write to --out {self.path.parent}: {exc.strerror or exc}") from None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return self
        try:
            fcntl.flock(self._stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._stream.close()
            raise ConfigError(f"another batch is writing to {self.path.parent}; wait for it or choose another --out") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream:
            self._stream.close()  # closing releases the lock
