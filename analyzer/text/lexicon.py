"""Hesitations ("um", "uh", "hmm"...): the one list every check and model uses."""

from __future__ import annotations

import re

HESITATIONS: dict[str, str] = {
    "um": r"u+m+|u+h+m+",
    "uh": r"u+h+",
    "er": r"e+r+",
    "erm": r"e+r+m+",
    "hmm": r"h+m+",
    "mm": r"m{2,}",
    "mm-hmm": r"m+-?h+m+|m+h+m+|uh-huh",
    "ah": r"a+h+",
    "eh": r"e+h+",
}
"""Canonical hesitation -> regular expression for its spellings (elongations included: "umm", "hmmm")."""

HESITATION_PATTERN = "|".join(HESITATIONS.values())
_HESITATION = re.compile(rf"(?:{HESITATION_PATTERN})", re.I)


def is_hesitation(word: str) -> bool:
    """Whether ``word`` (one token, any case) is a hesitation."""
    return _HESITATION.fullmatch(word) is not None


def canonical_hesitation(word: str) -> str | None:
    """The canonical form of a hesitation ("Umm" -> "um"), or None for another word."""
    return next((canon for canon, pattern in HESITATIONS.items() if re.fullmatch(pattern, word, re.I)), None)
