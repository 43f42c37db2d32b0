"""Work every answer of a session needs, done in batches before the checks run (issue #25).

The checks of one answer share its parse and its sentence vectors (:meth:`AnswerContext.memo`, the
encoder's session cache); run answer by answer, each parse and each encoder call still covers one answer.
:func:`prepare` parses every answer in one ``nlp.pipe`` and encodes the texts the enabled rules declare
(``Rule.sentences``) in one batched call of the sentence encoder, inside the encoder's
:func:`~analyzer.text.encoder.session_vectors`; the checks then find both done.
"""

from __future__ import annotations

from typing import Sequence

from analyzer.checks.context import AnswerContext
from analyzer.checks.rule import Rule

PARSE_BATCH = 64
"""Answers per ``nlp.pipe`` batch."""


def prepare(contexts: Sequence[AnswerContext], answer_rules: Sequence[Rule]) -> None:
    """Parse every answer of ``contexts`` and encode the sentences ``answer_rules`` will ask for, in batches."""
    if not contexts or not answer_rules:
        return
    from analyzer.text.nlp import load_spacy

    nlp = load_spacy()
    for ctx, doc in zip(contexts, nlp.pipe((c.answer.answer.text for c in contexts), batch_size=PARSE_BATCH)):
        ctx.doc = doc  # type: ignore[misc] - fills the cached property
    texts = [text for rule in answer_rules if rule.sentences for ctx in contexts for text in rule.sentences(ctx)]
    if texts:
        from analyzer.text.encoder import load_encoder

        load_encoder().sentence_vectors(texts)
