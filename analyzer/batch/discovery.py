"""Which files of the inputs are sessions, with their sidecars (questions, metadata) and the person and date they belong to."""

from __future__ import annotations

import glob
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from analyzer.config import CONFIG_FILES
from analyzer.errors import InputError

STATE_DIR = ".batch-state"
QUESTIONS_SUFFIX = ".questions.txt"
META_SUFFIX = ".meta.toml"
REFERENCE_SUFFIX = ".reference.json"
"""Reference transcripts kept beside sample recordings (for accuracy checks): never sessions."""
SIDECAR_SUFFIXES = (QUESTIONS_SUFFIX, META_SUFFIX, REFERENCE_SUFFIX)
META_KEYS = {"candidate", "date", "candidate-speaker", "interviewer-speaker"}

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_GLOB_CHARS = re.compile(r"[*?\[]")
_OWN_REPORT = {  # how this tool's reports begin, by extension
    ".json": re.compile(rb'\A\{\s*"schema_version":\s*\d+,\s*"tool":\s*\{\s*"name":\s*"interview-analyzer"'),
    ".md": re.compile(rb"\A# Interview analysis: "),
    ".html": re.compile(rb'<meta name="generator" content="interview-analyzer '),
}


@dataclass
class Session:
    """One input file of the batch and what goes with it."""

    path: str
    """As found (relative paths stay relative): reports show it as the input."""
    rel: str
    """POSIX path relative to the batch base; reports mirror it under ``--out``."""
    questions: str | None = None
    meta_file: str | None = None
    candidate: str | None = None
    """The person (for the trend): ``candidate`` in the metadata, else the first folder under the base."""
    date: str | None = None
    candidate_speaker: str | None = None
    interviewer_speaker: str | None = None
    problem: str | None = None
    """Why the session cannot be analysed at all (missing file, bad metadata)."""
    roles_from_options: bool = False
    """The speaker roles came from :class:`SessionDefaults` (the command line), not a metadata sidecar."""


@dataclass(frozen=True)
class SessionDefaults:
    """Batch-wide ``--questions``, ``--candidate`` and ``--interviewer``, for the sessions whose
    sidecars do not say otherwise: a ``.questions.txt`` sidecar replaces ``questions``, and a
    ``.meta.toml`` naming either speaker replaces both speaker options."""

    questions: str | None = None
    candidate_speaker: str | None = None
    interviewer_speaker: str | None = None


def sidecar_suffix(name: str) -> str | None:
    """The sidecar suffix ``name`` ends with (``.questions.txt``...), or None for a session file."""
    return next((suffix for suffix in SIDECAR_SUFFIXES if name.lower().endswith(suffix)), None)


def is_sidecar(name: str) -> bool:
    return sidecar_suffix(name) is not None


def _skipped_name(name: str) -> bool:
    return name.startswith(".") or is_sidecar(name) or name in CONFIG_FILES


def is_own_report(path: str) -> bool:
    """Whether ``path`` is a report this tool wrote (by how the file begins), not a session."""
    signature = _OWN_REPORT.get(os.path.splitext(path)[1].lower())
    if signature is None:
        return False
    try:
        with open(path, "rb") as handle:
            return signature.search(handle.read(2048)) is not None
    except OSError:
        return False


def discover(inputs: Iterable[str], out_dir: Path, defaults: SessionDefaults | None = None) -> list[Session]:
    """Sessions named by ``inputs`` (files, directories searched recursively, glob patterns),
    without sidecars, hidden files, the ``defaults.questions`` file or anything under ``out_dir``;
    searched folders also skip this tool's own reports and earlier batch outputs (folders holding
    ``.batch-state``); sorted by their mirrored path."""
    defaults = defaults or SessionDefaults()
    out_abs = os.path.abspath(out_dir)
    questions_abs = os.path.abspath(defaults.questions) if defaults.questions else None
    found: dict[str, str] = {}  # abspath -> path as found
    anchors: list[str] = []  # directories the relative paths are computed from
    missing: list[str] = []

    def inside_out(path: str) -> bool:
        return os.path.commonpath([os.path.abspath(path), out_abs]) == out_abs

    def add_file(path: str, explicit: bool) -> None:
        if inside_out(path) or (not explicit and (_skipped_name(os.path.basename(path))
                                                  or os.path.abspath(path) == questions_abs
                                                  or is_own_report(path))):
            return
        found.setdefault(os.path.abspath(path), path)
        anchors.append(os.path.dirname(os.path.abspath(path)))

    for arg in inputs:
        if os.path.isdir(arg):
            anchors.append(os.path.abspath(arg))
            for folder, dirs, files in os.walk(arg):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not inside_out(os.path.join(folder, d))
                                 and not os.path.isdir(os.path.join(folder, d, STATE_DIR)))
                for name in sorted(files):
                    add_file(os.path.join(folder, name), explicit=False)
        elif os.path.exists(arg):
            add_file(arg, explicit=True)
        elif _GLOB_CHARS.search(arg):
            matches = sorted(m for m in glob.glob(arg, recursive=True) if os.path.isfile(m))
            if not matches:
                missing.append(arg)
            for match in matches:
                add_file(match, explicit=False)
        else:
            missing.append(arg)

    base = os.path.commonpath(anchors) if anchors else os.getcwd()
    sessions = [_session(path, Path(os.path.relpath(abspath, base)).as_posix(), defaults)
                for abspath, path in found.items()]
    for arg in missing:
        problem = f"{arg}: no files match this pattern" if _GLOB_CHARS.search(arg) else f"{arg}: no such file"
        sessions.append(Session(path=arg, rel=arg, problem=problem))
    return sorted(sessions, key=lambda s: s.rel)


def _sidecar(path: str, suffix: str) -> str | None:
    stem, _ = os.path.splitext(path)
    candidate = stem + suffix
    return candidate if os.path.isfile(candidate) else None


def _session(path: str, rel: str, defaults: SessionDefaults) -> Session:
    session = Session(path=path, rel=rel, questions=_sidecar(path, QUESTIONS_SUFFIX) or defaults.questions,
                      meta_file=_sidecar(path, META_SUFFIX))
    parts = rel.split("/")
    session.candidate = parts[0] if len(parts) > 1 else None
    session.date = _date_from_names(reversed(parts))
    if session.meta_file:
        try:
            _apply_meta(session, Path(session.meta_file))
        except InputError as exc:
            session.problem = str(exc)
    if not (session.candidate_speaker or session.interviewer_speaker):
        session.candidate_speaker = defaults.candidate_speaker
        session.interviewer_speaker = defaults.interviewer_speaker
        session.roles_from_options = bool(defaults.candidate_speaker or defaults.interviewer_speaker)
    return session


def _date_from_names(names: Iterable[str]) -> str | None:
    for name in names:
        for match in _DATE_IN_NAME.finditer(name):
            try:
                return date(*map(int, match.groups())).isoformat()
            except ValueError:
                continue
    return None


def _apply_meta(session: Session, path: Path) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read session metadata: {exc}") from None
    unknown = sorted(set(data) - META_KEYS)
    if unknown:
        raise InputError(f"{path}: unknown metadata key {unknown[0]!r}; expected {', '.join(sorted(META_KEYS))}")
    for key in ("candidate", "candidate-speaker", "interviewer-speaker"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{path}: {key} must be a string")
    if "date" in data:
        value = data["date"]
        try:
            session.date = (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()[:10]
        except ValueError:
            raise InputError(f"{path}: date must look like 2026-03-14, got {value!r}") from None
    session.candidate = data.get("candidate", session.candidate)
    session.candidate_speaker = data.get("candidate-speaker")
    session.interviewer_speaker = data.get("interviewer-speaker")
