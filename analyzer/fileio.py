"""Atomic file writes (a reader never sees a half-written report), first-use creation locks, and first-use
conversions run in a child process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (memory stays flat on long recordings)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes the file private (0600): give it the usual mode
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def first_use_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock while ``target`` is made on first use (unpacked, joined, converted).

    Threads of one process (the model-preloading thread and the main one) and batch worker processes
    that need the same model at once then make it once, and never share a temporary file. Callers check
    again for ``target`` once they hold the lock."""
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / f".{target.name}.lock")):
        yield


def run_main_in_child(module: str, arguments: list[str]) -> None:
    """``module.main()`` with ``arguments`` as its command line, in a child Python process whose output is
    dropped; a failure raises ``RuntimeError`` quoting the child's last stderr line.

    For one-time model conversions with torch: its tracer warns through Python's process-wide ``warnings``
    filters, which a thread cannot change safely while another thread changes them too
    (``warnings.catch_warnings`` is not thread-safe: a first run printed torch's warnings), and
    ``torch.onnx.export`` keeps global state; a child keeps both, and torch's memory, away from the analysis."""
    package_root = str(Path(__file__).resolve().parents[1])  # last on the path: found however the parent found it
    code = f"import sys; sys.path.append(sys.argv.pop(1)); from {module} import main; main()"
    result = subprocess.run([sys.executable, "-c", code, package_root, *arguments], capture_output=True, text=True,
                            errors="replace")
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"exit code {result.returncode}"]
        raise RuntimeError(f"{module} failed in a child process: {lines[-1]}")
