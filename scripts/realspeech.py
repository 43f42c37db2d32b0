"""Rebuild the real-speech dev/held-out sets of data/realspeech/ from their sources.

The label files in ``data/realspeech/`` hold no transcript text (the sources are CC BY-SA or of
unclear copyright): each item names its source document and character offsets, plus a SHA-1 prefix
of the passage so a rebuilt text is checked. This module reads the sources and returns the items
with their text. Run it as a script to rebuild everything into a cache folder and report what was
found::

    python scripts/realspeech.py --seenunseen GITDIR --changelog GITDIR

Sources (details and licences in data/realspeech/README.md):

* ``fillers-rev16``: ``../shared/data/fillers-rev16/chunks.jsonl`` (doc = chunk id);
* ``seenunseen``: git snapshot of github.com/apoorvumang/seenunseen-whisper at ``SEENUNSEEN_COMMIT``
  (doc = ``E<episode>:<message index>`` into ``transcripts_chat/E<episode>.json``);
* ``changelog``: git snapshot of github.com/thechangelog/transcripts at ``CHANGELOG_COMMIT``
  (doc = ``<path>:<turn index>``, turns as cut by :func:`changelog_turns`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "realspeech"
SEENUNSEEN_COMMIT = "3e2af32f8c2a50d6d3e26683e32ca69f9aca5082"
CHANGELOG_COMMIT = "44a0e16c5919d332e05de481919fbfca90a2c90b"
DEFAULT_REV16 = ROOT.parent / "shared" / "data" / "fillers-rev16"
DEFAULT_CACHE = Path(os.environ.get("INTERVIEW_ANALYZER_CACHE", Path.home() / ".cache" / "interview-analyzer"))
DEFAULT_OUT = DEFAULT_CACHE / "realspeech"

_SPEAKER = re.compile(r"^\*\*([^*]{1,60}):\*\*\s*", re.M)
_TIMESTAMP = re.compile(r"\\\[[0-9:.]+\\\]\s*")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def sha1_prefix(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def changelog_turns(markdown: str) -> list[str]:
    """Speaker turns of a Changelog transcript: ``**Name:**`` paragraphs, timestamps, links and
    emphasis marks removed, whitespace collapsed (the offsets in the label files index these)."""
    marks = list(_SPEAKER.finditer(markdown))
    turns = []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(markdown)
        body = _LINK.sub(r"\1", _TIMESTAMP.sub("", markdown[mark.end():end]))
        body = re.sub(r"[*_]{1,2}", "", body)
        turns.append(re.sub(r"\s+", " ", body).strip())
    return turns


class Sources:
    """Reads source documents; a source that is not available yields ``None``."""

    def __init__(self, rev16: Path | None, seenunseen: Path | None, changelog: Path | None) -> None:
        self.rev16, self.seenunseen, self.changelog = rev16, seenunseen, changelog

    @lru_cache(maxsize=None)
    def _rev16_chunks(self) -> dict[str, str] | None:
        path = self.rev16 / "chunks.jsonl" if self.rev16 else None
        if not path or not path.exists():
            return None
        with path.open(encoding="utf-8") as handle:
            return {d["id"]: d["text"] for d in map(json.loads, handle)}

    @lru_cache(maxsize=None)
    def _git_file(self, git_dir: Path, commit: str, path: str) -> str | None:
        done = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
                              capture_output=True, text=True, encoding="utf-8")
        return done.stdout if done.returncode == 0 else None

    def document(self, source: str, doc: str) -> str | None:
        if source == "fillers-rev16":
            chunks = self._rev16_chunks()
            return chunks.get(doc) if chunks else None
        if source == "seenunseen" and self.seenunseen:
            episode, index = doc.split(":")
            raw = self._git_file(self.seenunseen, SEENUNSEEN_COMMIT, f"transcripts_chat/{episode}.json")
            return json.loads(raw)[int(index)]["message"] if raw else None
        if source == "changelog" and self.changelog:
            path, index = doc.rsplit(":", 1)
            raw = self._git_file(self.changelog, CHANGELOG_COMMIT, path)
            return changelog_turns(raw)[int(index)] if raw else None
        return None


def read_labels(name: str) -> list[dict[str, Any]]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def with_text(items: list[dict[str, Any]], sources: Sources) -> Iterator[dict[str, Any]]:
    """Items whose source is available, with ``text``; a SHA-1 mismatch is an error."""
    for item in items:
        document = sources.document(item["source"], item["doc"])
        if document is None:
            continue
        text = document[item["start"]:item["end"]]
        if sha1_prefix(text) != item["sha1"]:
            raise ValueError(f"{item['id']}: rebuilt text does not match its checksum (source changed?)")
        yield {**item, "text": text}


def load_set(name: str, sources: Sources, split: str | None = None) -> list[dict[str, Any]]:
    """A set (``negativity``, ``star``, ``questions``, ``training_candidates``), texts filled in,
    optionally one split."""
    items = read_labels(name)
    if split:
        items = [i for i in items if i.get("split") == split]
    if name == "questions":
        return items
    return list(with_text(items, sources))


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rev16", type=Path, default=DEFAULT_REV16, help="fillers-rev16 folder (chunks.jsonl)")
    parser.add_argument("--seenunseen", type=Path, help="git dir of a seenunseen-whisper snapshot")
    parser.add_argument("--changelog", type=Path, help="git dir of a thechangelog/transcripts snapshot")


def sources_from(args: argparse.Namespace) -> Sources:
    return Sources(args.rev16, args.seenunseen, args.changelog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_source_arguments(parser)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the rebuilt sets are written")
    args = parser.parse_args(argv)
    sources = sources_from(args)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("negativity", "star", "training_candidates"):
        labels = read_labels(name)
        rebuilt = list(with_text(labels, sources))
        tmp = args.out / f"{name}.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            for item in rebuilt:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        tmp.replace(args.out / f"{name}.jsonl")
        print(f"{name}: {len(rebuilt)} of {len(labels)} items rebuilt -> {args.out / (name + '.jsonl')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
