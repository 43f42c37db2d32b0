"""Load the models the selected rules need on the second core while a recording's speakers are told apart (issue #25).

Diarization keeps one of two cores busy; spaCy, the sentence encoders and the classifiers take seconds
to load and the checks need them only afterwards. The pipeline starts :func:`start` once a recording's
words are recognised and Whisper is released (both cores transcribe, and the models loaded beside
Whisper made the process peak at 2 GiB), and joins it before the checks run, so the two never load a
model at once. Only the models of the enabled rules are loaded; a failure here is left for the check
itself to raise (with its own message).
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Callable, Iterable

log = logging.getLogger("analyzer")


def _spacy() -> None:
    from analyzer.text.nlp import load_spacy

    load_spacy()


def _question_kinds() -> None:
    from analyzer.text.encoder import load_sentence_encoder
    from analyzer.text.questions import load_question_model

    load_sentence_encoder(load_question_model().encoder)


def _fillers() -> None:
    from analyzer.text.encoder import load_context_encoder
    from analyzer.detectors.fillers.model import load_model

    model = load_model()
    if model.head is not None:
        load_context_encoder(model.encoder, model.layer)


def _sentence_encoder() -> None:
    from analyzer.text.encoder import load_encoder

    load_encoder()


def _model_of(module: str) -> Callable[[], None]:
    def load() -> None:
        importlib.import_module(module).load_model()

    return load


LOADERS: dict[str, tuple[Callable[[], None], ...]] = {
    "rambling": (_fillers, _sentence_encoder),
    "filler-words": (_fillers,),
    "non-answer": (_sentence_encoder,),
    "low-enthusiasm": (_model_of("analyzer.detectors.enthusiasm"), _sentence_encoder),
    "missing-star": (_model_of("analyzer.detectors.star"), _sentence_encoder),
    "employer-negativity": (_model_of("analyzer.detectors.negativity.model"),),
}
"""What each rule loads besides spaCy (every answer rule parses its answer) and the question classifier
(pairing reads every question's kind)."""


def load_for(enabled: Iterable[str]) -> None:
    """Load what the rules ``enabled`` need: the check modules, spaCy and their models."""
    from analyzer.checks import registry

    enabled = list(enabled)
    registry()
    loaders: list[Callable[[], None]] = [_question_kinds, _spacy] if enabled else [_question_kinds]
    for code in enabled:
        loaders += [f for f in LOADERS.get(code, ()) if f not in loaders]
    for loader in loaders:
        try:
            loader()
        except Exception as error:  # noqa: BLE001 - the check raises it again, with its message
            log.debug("preloading %s failed: %s", getattr(loader, "__name__", loader), error)


def start(enabled: Iterable[str]) -> threading.Thread:
    """:func:`load_for` in a daemon thread, started; join it before running the checks. spaCy is imported
    here first, in the calling thread, where thinc can be kept from importing torch (+205 MiB)."""
    from analyzer.text.nlp import import_spacy

    import_spacy()
    thread = threading.Thread(target=load_for, args=(list(enabled),), name="interview-analyzer-preload", daemon=True)
    thread.start()
    return thread
