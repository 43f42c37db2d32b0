"""Who spoke when: give every word of a transcribed recording a speaker.

* Stereo (or more channels) with one speaker per channel (:mod:`analyzer.speakers.channels`):
  :func:`analyzer.recording.read_recording` transcribes each channel on its own and the channel
  names the speaker, so overlapping speech stays intelligible. Given a transcript
  of the downmix instead, :func:`diarize` puts each word on the channel loudest while it is
  spoken. Channels that carry the same signal (a mono recording saved as stereo) are mono.
* Mono: the audio is cut into pause-delimited stretches of speech (Silero VAD, see
  :func:`analyzer.asr.vad.speech_regions`) and each stretch gets voice embeddings from
  resemblyzer's pretrained encoder (:mod:`~analyzer.speakers.embeddings`). The stretches long
  enough to be reliable are clustered (scikit-learn k-means, :mod:`~analyzer.speakers.clustering`);
  the number of speakers (1-4) is estimated from the silhouette score unless it is given; a weaker
  two-way split still stands if the other voice answers the questions (:func:`answered_by_the_other`). Every stretch, short back-channels included, then goes to the nearest speaker,
  and a stretch whose window embeddings switch speaker part-way is cut at the likeliest word
  boundary (resegmentation). The pieces' speakers are then decoded together (Viterbi): each
  piece's voice score plus a conversation prior at each boundary, from the words on either side
  (:func:`turn_cue`): a change is likelier after a question and unlikely in mid-sentence. Where
  the voices differ clearly the voice score decides; the prior settles near-identical voices
  (:mod:`~analyzer.speakers.decoding`).
  Last, each speaker's spectrum (a Gaussian mixture of MFCC frames) is fitted on the decoded
  pieces and added to the voice scores, and the pieces are decoded again until the labels settle
  (:mod:`~analyzer.speakers.spectrum`): it hears what sets two near-identical voices apart.

Turns are re-split wherever the speaker changes inside a Whisper segment; speakers are named
"Speaker 1", "Speaker 2", ... in order of first appearance (:mod:`~analyzer.speakers.turns`, whose
:func:`~analyzer.speakers.turns.speech_timeline` gives who spoke when from the diarized turns,
without the long pauses inside them, plus the speech without recognised words that the voices place:
``Transcript.speech``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np

from analyzer.asr.vad import speech_regions
from analyzer.datamodel import Transcript, Word
from analyzer.readers.audio import DecodedAudio
from analyzer.speakers.channels import channel_labels, channel_matrix, distinct_channels
from analyzer.speakers.clustering import MAX_SPEAKERS, RELIABLE_S, SpeakerModel, fit_speakers, piece_score, split_at_changes
from analyzer.speakers.decoding import answered_by_the_other, decode_speakers, turn_cue
from analyzer.speakers.embeddings import Stretch, embed_stretches, stretches_for_regions
from analyzer.speakers.spectrum import resegment_by_spectrum
from analyzer.speakers.turns import fill_missing, speaker_name, split_turns

log = logging.getLogger("analyzer")

VAD_MIN_SILENCE_S = 0.05
"""A pause this long ends a stretch: quick turn taking can leave little more (Silero's frames are
32 ms). With 0.1 s, stretches ran across quick speaker changes (dev: most of the confusion)."""


def diarize(transcript: Transcript, audio: DecodedAudio, num_speakers: int | None = None) -> Transcript:
    """A copy of ``transcript`` with every word given a speaker and turns split by speaker, and when the
    voices tell the speakers apart, ``speech``: who spoke when, stretches without recognised words included.

    ``audio`` is the recording's ``DecodedAudio`` (mono 16 kHz ``samples``, optional
    ``channels``). ``num_speakers`` sets the number of voice clusters (1-4); ``None`` estimates it.
    Words then go to the nearest cluster, so a cluster that wins no stretch of speech drops out.
    Word ``start_char``/``end_char`` are set relative to the text of the new turn holding them.
    """
    if num_speakers is not None and not 1 <= num_speakers <= MAX_SPEAKERS:
        from analyzer.errors import ConfigError

        raise ConfigError(f"speakers must be between 1 and {MAX_SPEAKERS}, got {num_speakers}")
    words = [w for turn in transcript.turns for w in turn.words]
    if not words:
        return transcript
    channels = channel_matrix(getattr(audio, "channels", None))
    speech: list[tuple[float, float, str]] = []
    if num_speakers == 1:
        labels = [0] * len(words)
        method = "forced single speaker"
    elif channels is not None and distinct_channels(channels):
        labels = channel_labels(words, channels)
        method = "per-channel energy"
    else:
        from threadpoolctl import threadpool_limits

        # One BLAS/OpenMP thread: scikit-learn's k-means and Gaussian mixtures (and librosa) on these small
        # matrices spent twice the CPU with two threads, for the same labels (issue #25, docs/benchmarks.md).
        with threadpool_limits(limits=1):
            voices = diarize_voices(words, np.asarray(audio.samples, dtype=np.float32), num_speakers)
        labels = voices.word_labels
        speech = [(round(start, 3), round(end, 3), speaker_name(label)) for start, end, label in voices.segments]
        method = "voice embeddings"
    log.info("diarization by %s: %d speaker(s)", method, len(set(labels)))
    return replace(split_turns(transcript, labels), speech=speech)


@dataclass
class VoiceDiarization:
    """Result of voice-based diarization: a speaker per word and the speaker timeline."""

    word_labels: list[int]
    """Speaker index per word (0, 1, ... in order of first appearance among the words)."""
    segments: list[tuple[float, float, int]]
    """(start s, end s, speaker index) for every stretch of speech, with or without words."""


def diarize_voices(words: list[Word], samples: np.ndarray, num_speakers: int | None = None) -> VoiceDiarization:
    """Speakers from voice embeddings of pause-delimited stretches, for words and timeline."""
    regions = speech_regions(samples, min_silence_s=VAD_MIN_SILENCE_S, pad_s=0.03)
    stretches = [s for s in stretches_for_regions(words, regions) if s.duration > 0]
    if not stretches:
        return VoiceDiarization([0] * len(words), [])
    voices = embed_stretches(samples, stretches)
    durations = np.array([s.duration for s in stretches])
    stretch_texts = [" ".join(words[i].text.strip() for i in stretch.word_indices).strip() for stretch in stretches]

    def questions_answered(candidate: SpeakerModel) -> bool:
        return answered_by_the_other(stretch_texts, [candidate.speaker_of(v) for v in voices])

    model = fit_speakers(np.vstack([v.embedding for v in voices]), durations, num_speakers, questions_answered)
    if model is None:
        return VoiceDiarization([0] * len(words), [(s.start, s.end, 0) for s in stretches])
    model.fit_classifier(voices, durations >= RELIABLE_S)
    pieces: list[Stretch] = []
    scores: list[np.ndarray] = []
    for stretch, stretch_voices in zip(stretches, voices):
        for piece, _ in split_at_changes(stretch, stretch_voices, model, words):
            pieces.append(piece)
            scores.append(piece_score(piece, stretch_voices, model))
    texts = [" ".join(words[i].text.strip() for i in piece.word_indices).strip() for piece in pieces]
    # The prior is in log-probability units: without the classifier the scores are cosines.
    prior = model.classifier is not None
    cues = [turn_cue(before, after) if prior else 0.0 for before, after in zip(texts, texts[1:])]
    voice = np.vstack(scores)
    decoded = decode_speakers(voice, cues)
    if prior:  # the spectral evidence is in log-likelihood units too
        decoded = resegment_by_spectrum(samples, pieces, voice, cues, decoded)
    labels: list[int | None] = [None] * len(words)
    segments: list[tuple[float, float, int]] = []
    for piece, label in zip(pieces, decoded):
        segments.append((piece.start, piece.end, label))
        for index in piece.word_indices:
            labels[index] = label
    order: dict[int, int] = {}
    word_labels = [order.setdefault(label, len(order)) for label in fill_missing(labels)]
    for _, _, label in segments:
        order.setdefault(label, len(order))
    return VoiceDiarization(word_labels, [(a, b, order[label]) for a, b, label in segments])
