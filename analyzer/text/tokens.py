"""Words as the checks count them."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
"""A spoken word: letters or digits, with inner apostrophes or hyphens ("don't", "mm-hmm")."""


def count_words(text: str) -> int:
    return sum(1 for _ in WORD_RE.finditer(text))
