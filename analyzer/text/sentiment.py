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
