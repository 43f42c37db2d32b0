"""Sentiment: the VADER lexicon and analyser, loaded once per process for every check."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def sentiment_analyzer() -> "SentimentIntensityAnalyzer":
    """VADER's analyser: ``polarity_scores(text)`` and its word ``lexicon``."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


VADER_MAX_WORDS = 200
"""Longer texts are scored by VADER in windows of this many words (its cost grows with the square of a
text's length: every sentiment word scans the whole text), the scores averaged weighted by words."""


def polarity_scores(text: str) -> dict[str, float]:
    """VADER's ``neg``/``neu``/``pos``/``compound`` of ``text``; exactly VADER's up to ``VADER_MAX_WORDS`` words."""
    words = text.split()
    if len(words) <= VADER_MAX_WORDS:
        return sentiment_analyzer().polarity_scores(text)
    windows = [words[i : i + VADER_MAX_WORDS] for i in range(0, len(words), VADER_MAX_WORDS)]
    scored = [(sentiment_analyzer().polarity_scores(" ".join(w)), len(w)) for w in windows]
    return {key: sum(s[key] * n for s, n in scored) / len(words) for key in scored[0][0]}
