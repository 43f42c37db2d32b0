"""The filler words: hesitations (:mod:`analyzer.text.lexicon`), discourse fillers and their spellings; the
configured list; occurrences in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from analyzer.errors import ConfigError
from analyzer.text.lexicon import HESITATIONS, canonical_hesitation

DISCOURSE_FILLERS: tuple[str, ...] = (
    "like", "you know", "i mean", "so", "well", "actually", "basically",
    "literally", "kind of", "sort of", "right", "okay",
)
# other spellings of a canonical discourse filler
VARIANTS: dict[str, tuple[str, ...]] = {
    "kind of": ("kinda",),
    "sort of": ("sorta",),
    "okay": ("ok",),
}


@dataclass(frozen=True)
class FillerList:
    """The fillers in effect: hesitations, context-dependent words and plain added words."""

    hesitations: tuple[str, ...]
    discourse: tuple[str, ...]
    literal: tuple[str, ...]
    """Added words the model does not know: fillers wherever they occur."""

    @property
    def words(self) -> tuple[str, ...]:
        return (*self.hesitations, *self.discourse, *self.literal)


@dataclass(frozen=True)
class Candidate:
    """One occurrence of a list word in a text."""

    start: int
    end: int
    text: str
    word: str
    """Canonical form ("kinda" -> "kind of", "Umm" -> "um")."""
    kind: str
    """"hesitation", "discourse" or "literal"."""


def _normalise(word: str) -> str:
    return " ".join(word.lower().split())


def _canonical(word: str) -> str:
    word = _normalise(word)
    for canon, spellings in VARIANTS.items():
        if word in spellings:
            return canon
    return canonical_hesitation(word) or word


def _word_list(settings: Mapping[str, Any], key: str) -> list[str]:
    value = settings.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"[fillers] {key} must be a list of words or phrases, got {value!r}")
    return [_canonical(v) for v in value]


def filler_list(settings: Mapping[str, Any] | None = None, model_words: Iterable[str] = ()) -> FillerList:
    """The configured list: defaults plus ``add`` minus ``remove`` from the ``fillers`` table.

    ``model_words`` are the discourse words the context model was trained on; added words
    among them are judged in context, other added words count everywhere.
    """
    settings = settings or {}
    unknown = set(settings) - {"add", "remove"}
    if unknown:
        raise ConfigError(f"unknown key(s) in [fillers]: {', '.join(sorted(unknown))}; use add and remove")
    added, removed = _word_list(settings, "add"), set(_word_list(settings, "remove"))
    known = set(model_words) | set(DISCOURSE_FILLERS)
    hesitations = [w for w in HESITATIONS if w not in removed]
    discourse = [w for w in DISCOURSE_FILLERS if w not in removed]
    literal: list[str] = []
    for word in added:
        if word in removed or word in hesitations or word in discourse or word in literal:
            continue
        if word in HESITATIONS:
            hesitations.append(word)
        elif word in known:
            discourse.append(word)
        else:
            literal.append(word)
    return FillerList(tuple(hesitations), tuple(discourse), tuple(literal))


def _phrase_pattern(word: str) -> str:
    spellings = [word, *VARIANTS.get(word, ())]
    return "|".join(r"\s+".join(re.escape(part) for part in s.split()) for s in spellings)


@lru_cache(maxsize=64)
def _compiled(fillers: FillerList) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    out = []
    for word in fillers.hesitations:
        # a cut-off hesitation ("um-") is still a hesitation; the span leaves out the hyphen
        out.append((word, "hesitation", re.compile(rf"(?<![\w'’-])(?:{HESITATIONS[word]})(?![\w'’])", re.I)))
    for kind, words in (("discourse", fillers.discourse), ("literal", fillers.literal)):
        for word in words:
            # a cut-off word ("like-") is a restart, not a filler
            out.append((word, kind, re.compile(rf"(?<![\w'’-])(?:{_phrase_pattern(word)})(?![\w'’-])", re.I)))
    return tuple(out)


def find_candidates(text: str, fillers: FillerList) -> list[Candidate]:
    """Every occurrence of a list word, longest first where two overlap, in text order."""
    found = [
        Candidate(m.start(), m.end(), m.group(0), word, kind)
        for word, kind, pattern in _compiled(fillers)
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    for cand in found:
        if out and cand.start < out[-1].end:
            continue
        out.append(cand)
    return out
