"""Resumption: a session's key, where its reports and manifest go, and whether its finished reports still hold."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from analyzer import __version__
from analyzer.batch.discovery import STATE_DIR, Session
from analyzer.fileio import file_sha256
from analyzer.resources import build_fingerprint


def session_key(session: Session, fingerprint: dict[str, Any]) -> str:
    """What decides whether a finished report is still valid for this session."""
    material = {
        "input": file_sha256(session.path),
        "questions": file_sha256(session.questions) if session.questions else None,
        "meta": file_sha256(session.meta_file) if session.meta_file else None,
        "analysis": fingerprint,
        "version": __version__,
        "build": build_fingerprint(),
    }
    if session.roles_from_options:  # sidecar roles are covered by the metadata file's hash
        material["roles"] = [session.candidate_speaker, session.interviewer_speaker]
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def report_path(rel: str, fmt: str) -> str:
    """Where a session's report goes, relative to ``--out``: its file name plus the format's
    extension (``a/s1.wav`` -> ``a/s1.wav.json``), so ``s1.wav`` and ``s1.txt`` never collide."""
    from analyzer.report import EXTENSIONS

    return f"{rel}{EXTENSIONS[fmt]}"


def manifest_path(out_dir: Path, rel: str) -> Path:
    return out_dir / STATE_DIR / f"{rel}.json"


def read_manifest(out_dir: Path, rel: str) -> dict[str, Any] | None:
    try:
        return json.loads(manifest_path(out_dir, rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(out_dir: Path, rel: str, key: str, formats: list[str]) -> dict[str, Any] | None:
    """The manifest when the session's reports for ``formats`` are finished and unchanged."""
    manifest = read_manifest(out_dir, rel)
    if not manifest or manifest.get("key") != key:
        return None
    outputs = manifest.get("outputs", {})
    for fmt in formats:
        entry = outputs.get(fmt)
        if not entry:
            return None
        target = out_dir / entry["path"]
        if not target.is_file() or (file_sha256(target) != entry["sha256"]
                                    and not (fmt == "json" and _sha256_without_review(target) == entry["sha256"])):
            return None
    return manifest


def _sha256_without_review(path: Path) -> str | None:
    """SHA-256 of a JSON report with a coach's imported review taken out (``review import`` adds it
    beside the tool's fields), so a reviewed report still counts as the one the batch wrote; ``None``
    when the file holds no review or is not JSON."""
    from analyzer.report.json import report_text
    from analyzer.report.review import has_review, without_review

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not has_review(data):
        return None
    try:
        return hashlib.sha256(report_text(without_review(data)).encode("utf-8")).hexdigest()
    except (TypeError, AttributeError):  # a hand-edited file of another shape
        return None
