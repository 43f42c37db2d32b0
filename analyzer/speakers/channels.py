"""Who spoke when, by channel: a recording with one speaker per channel.

:func:`distinct_channels` tells one speaker per channel from copies of one signal;
``analyzer.recording`` then transcribes each channel alone and :func:`merge_channel_transcripts`
names the speaker by channel, so overlapping speech stays intelligible. Given a transcript of the
downmix instead, :func:`channel_labels` puts each word on the channel loudest while it is spoken.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from analyzer.datamodel import Transcript, Word
from analyzer.readers.audio import SAMPLE_RATE, DecodedAudio
from analyzer.speakers.turns import fill_missing, locate_words, renumber, speaker_name

CHANNEL_DIFFERENCE_DB = 6.0
"""Channels whose level difference swings by more than this in many speech frames (at least
``DISTINCT_FRAME_SHARE`` of them) hold different speakers."""
DISTINCT_FRAME_SHARE = 0.2


def channel_matrix(channels: Any) -> np.ndarray | None:
    """Channels as a (n_channels, n_samples) array, or None for mono."""
    if channels is None:
        return None
    matrix = np.asarray(channels, dtype=np.float32)
    if matrix.ndim != 2:
        return None
    if matrix.shape[0] > matrix.shape[1]:
        matrix = matrix.T
    return matrix if matrix.shape[0] > 1 else None


def _frame_energy_db(channels: np.ndarray, frame: int = 320) -> np.ndarray:
    """Per-channel energy in dB over 20 ms frames: shape (n_channels, n_frames)."""
    n = channels.shape[1] // frame
    framed = channels[:, : n * frame].reshape(channels.shape[0], n, frame)
    return 10 * np.log10(np.mean(framed**2, axis=2) + 1e-10)


def distinct_channels(channels: np.ndarray) -> bool:
    """Whether the channels carry different speakers rather than copies of one signal.

    Looks at the level difference between the loudest and the quietest channel in frames
    with speech (within 30 dB of the loudest frame): copies of one source keep it nearly
    constant (a fixed gain offset at most); one speaker per channel swings it by many dB.
    """
    channels = channel_matrix(channels)
    if channels is None:
        return False
    energy = _frame_energy_db(channels)
    loudest = energy.max(axis=0)
    speech = loudest > loudest.max() - 30.0
    if speech.sum() < 10:
        return False
    difference = energy[0, speech] - energy[1:, speech].max(axis=0)
    swing = np.abs(difference - np.median(difference))
    return float(np.mean(swing > CHANNEL_DIFFERENCE_DB)) >= DISTINCT_FRAME_SHARE


def channel_labels(words: list[Word], channels: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[int]:
    """For each word the index of the channel with the most energy while it is spoken."""
    channels = channel_matrix(channels)
    assert channels is not None
    labels: list[int | None] = []
    for word in words:
        if word.start is None or word.end is None:
            labels.append(None)
            continue
        a = max(0, int(word.start * sample_rate))
        b = max(a + 1, int(word.end * sample_rate))
        piece = channels[:, a:b]
        labels.append(int(np.argmax(np.mean(piece**2, axis=1))) if piece.size else None)
    return renumber(fill_missing(labels))


def split_channels(audio: DecodedAudio) -> list[DecodedAudio]:
    """One mono copy of ``audio`` per channel, for transcribing each speaker's channel alone
    (overlapping speech stays intelligible, unlike in the downmix)."""
    channels = channel_matrix(getattr(audio, "channels", None))
    if channels is None:
        return [audio]
    return [replace(audio, samples=np.ascontiguousarray(channel), channels=None) for channel in channels]


def merge_channel_transcripts(transcripts: list[Transcript]) -> Transcript:
    """One transcript from per-channel transcripts: the speaker is the channel.

    Turns are ordered by start time (overlapping turns stay as they are) and speakers named
    in order of first appearance. Everything but the turns comes from the first transcript.
    """
    tagged = [(turn, channel) for channel, t in enumerate(transcripts) for turn in t.turns]
    tagged.sort(key=lambda item: (item[0].start if item[0].start is not None else 0.0, item[1]))
    order: dict[int, int] = {}
    turns = []
    for turn, channel in tagged:
        speaker = speaker_name(order.setdefault(channel, len(order)))
        spans = locate_words(turn.text, turn.words) if turn.words else []
        words = [
            replace(w, speaker=speaker, start_char=a, end_char=b) for w, (a, b) in zip(turn.words, spans or [])
        ] if spans is not None else [replace(w, speaker=speaker) for w in turn.words]
        turns.append(replace(turn, speaker=speaker, words=words))
    return replace(transcripts[0], turns=turns)
