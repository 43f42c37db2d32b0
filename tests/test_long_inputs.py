"""Long inputs cost time linear in their length: the helpers that replaced quadratic steps give what
the steps they replaced gave (speed itself is measured by scripts/bench_long_inputs.py, not here)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.text.encoder import load_context_encoder
from analyzer.text.nlp import load_spacy, sentence_of, text_of
from analyzer.text.sentiment import VADER_MAX_WORDS, polarity_scores, sentiment_analyzer

TEXT = ("Um, so I was like the lead there. We shipped it late and the client was furious, honestly awful! "
        "Then I, you know, rewrote the import and it worked. ok so ok so and more and more")


def test_sentence_of_and_text_of_are_spacys_answers_found_once():
    doc = load_spacy()(TEXT)
    assert [(sentence_of(t).start, sentence_of(t).end) for t in doc] == [(t.sent.start, t.sent.end) for t in doc]
    assert text_of(doc) == doc.text and text_of(doc) is text_of(doc)
    other = load_spacy()("A different text.")
    assert text_of(other) == "A different text." and sentence_of(other[1]).text == "A different text."


def test_polarity_is_vaders_up_to_the_window_and_a_word_weighted_mean_beyond():
    short = "The manager was awful and the pay was terrible, but the team was great."
    assert polarity_scores(short) == sentiment_analyzer().polarity_scores(short)
    first, second = "great " * VADER_MAX_WORDS, "awful " * (VADER_MAX_WORDS // 2)
    mixed = polarity_scores(first + second)
    a, b = sentiment_analyzer().polarity_scores(first), sentiment_analyzer().polarity_scores(second)
    assert mixed["compound"] == pytest.approx((2 * a["compound"] + b["compound"]) / 3)
    assert set(mixed) == {"neg", "neu", "pos", "compound"}


def test_span_vectors_found_by_bisection_are_those_of_a_scan():
    encoder = load_context_encoder("all-MiniLM-L6-v2", 4)
    text = TEXT * 3
    spans = [(m, m + 2) for m in range(0, len(text) - 2, 7)] + [(0, len(text)), (5, 5), (len(text), len(text))]
    vectors = encoder.span_vectors(text, spans, 4)
    offsets = encoder.tokenizer.encode(text, add_special_tokens=False).offsets
    whole = encoder.span_vectors(text, [(s, e) for s, e in offsets], 4)  # one vector per wordpiece
    for row, (begin, end) in enumerate(spans):
        pieces = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and begin < e]
        expected = whole[pieces].mean(axis=0) if pieces else np.zeros(whole.shape[1])
        np.testing.assert_allclose(vectors[row], expected, atol=1e-5)
