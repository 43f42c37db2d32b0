"""Who spoke when: give every word of a transcribed recording a speaker.

* Stereo (or more channels) with one speaker per channel (:func:`distinct_channels`):
  ``read_audio`` transcribes each channel on its own and :func:`merge_channel_transcripts`
  names the speaker by channel, so overlapping speech stays intelligible. Given a transcript
  of the downmix instead, :func:`diarize` puts each word on the channel loudest while it is
  spoken. Channels that carry the same signal (a mono recording saved as stereo) are mono.
* Mono: the audio is cut into pause-delimited stretches of speech (Silero VAD, see
  :func:`analyzer.audio.speech_regions`) and each stretch gets voice embeddings from
  resemblyzer's pretrained encoder. The stretches long enough to be reliable are clustered
  (scikit-learn k-means); the number of speakers (1-4) is estimated from the silhouette score unless
  it is given. Every stretch, short back-channels included, then goes to the nearest speaker,
  and a stretch whose window embeddings switch speaker part-way is cut at the likeliest word
  boundary (resegmentation). The pieces' speakers are then decoded together (Viterbi): each
  piece's voice score plus a conversation prior at each boundary, from the words on either side
  (:func:`turn_cue`): a change is likelier after a question and unlikely in mid-sentence. Where
  the voices differ clearly the voice score decides; the prior settles near-identical voices.
  Last, each speaker's spectrum (a Gaussian mixture of MFCC frames) is fitted on the decoded
  pieces and added to the voice scores, and the pieces are decoded again until the labels settle
  (:func:`resegment_by_spectrum`): it hears what sets two near-identical voices apart.

Turns are re-split wherever the speaker changes inside a Whisper segment; speakers are named
"Speaker 1", "Speaker 2", ... in order of first appearance. :func:`speech_timeline` gives who
spoke when from the diarized turns, without the long pauses inside them.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from analyzer.audio import DecodedAudio, speech_regions
from analyzer.datamodel import Transcript, Turn, Word
from analyzer.questions import is_question

if TYPE_CHECKING:
    from resemblyzer import VoiceEncoder

log = logging.getLogger("analyzer")

SAMPLE_RATE = 16000
MAX_SPEAKERS = 4
RELIABLE_S = 1.0
"""Stretches at least this long define the speaker clusters; shorter ones are only assigned."""
MIN_SILHOUETTE = 0.2
"""A split into two speakers needs this silhouette score (cosine, centred embeddings)..."""
EXTRA_SPEAKER_SILHOUETTE = 0.1
"""...and each further speaker this much more; otherwise everything is one speaker."""
MIN_STRETCHES_TO_SPLIT = 6
"""With fewer reliable stretches the number of speakers is not estimated: one speaker."""
KMEANS_RESTARTS = 100
"""k-means starts per number of speakers; the best (least inertia) wins. k-means replaced
average-linkage clustering, which one outlying stretch could tip: on the 77 dev recordings
(docs/benchmarks.md) the near-identical pair's mean DER went from 2.13% to 1.77% (24 recordings),
6.82% to 5.35% (8) and 4.99% to 3.61% (4); other pairs and one voice unchanged. With 20 starts
one dev recording depended on the random seed (11.3% or 21.3%); with 100 it did not."""
WINDOW_STEP_S = 0.25
"""Step between resemblyzer's 1.6 s partial windows inside a stretch."""
ENCODER_BATCH = 128
"""Windows per encoder call: about 25 MB of LSTM activations."""
MIN_RUN_WINDOWS = 3
"""Consecutive windows of another voice needed to re-split a stretch (resegmentation)."""
CHANGE_SEARCH_S = 1.0
"""How far from the change the window embeddings suggest a turn boundary is looked for."""
SENTENCE_END_BONUS_S = 0.5
"""A boundary after a sentence end counts like this much extra pause."""
CLASSIFIER_C = 0.01
"""Inverse regularisation of the resegmentation classifier (few windows, 256 dimensions)."""
MAX_WORD_S = 2.0
"""A word timed longer than this is mis-timed; it does not stretch its speech region."""
VAD_MIN_SILENCE_S = 0.05
"""A pause this long ends a stretch: quick turn taking can leave little more (Silero's frames are
32 ms). With 0.1 s, stretches ran across quick speaker changes (dev: most of the confusion)."""
CHANNEL_DIFFERENCE_DB = 6.0
"""Channels whose level difference swings by more than this in many speech frames (at least
``DISTINCT_FRAME_SHARE`` of them) hold different speakers."""
DISTINCT_FRAME_SHARE = 0.2
VOICE_EVIDENCE_S = 1.6
"""A piece's voice score is its mean window log-probability times its length in units of this
(at least 1): resemblyzer's window length, since overlapping windows are not independent.
On the 51 dev recordings (see the bonuses below), hard-pair mean DER: 2.13%; 0.8 s 2.28%; 3.2 s
2.59%; weight 1 for every piece 2.59%."""
MID_SENTENCE_BONUS = 1.0
"""Log-score added for the same speaker on both sides of a boundary inside a sentence (the piece
before ends without . ! ? and the next begins in lower case; neither is a listener's hum, which
Whisper often writes with a comma: "Mmm, ")."""
QUESTION_BONUS = 1.5
"""Log-score added for a change of speaker after a piece ending in "?"."""
REQUEST_BONUS = 1.0
"""Log-score added for a change after a sentence that asks by its wording alone
(:func:`analyzer.questions.is_question`: interrogative start or "tell me", "describe"...; at
least ``REQUEST_MIN_WORDS`` words, so that "Does." or "Right." do not count).
The three bonuses were set on 30 dev recordings and checked on 21 made afterwards (dev dialogues
of scripts/make_diarization_audio.py; docs/benchmarks.md). On all 51, mean DER on the 24 of the
near-identical pair en-us+m3/en-gb (two men, same pitch; asked for as "en-gb+f3", whose variant
espeak-ng ignores): 3.60% without the prior, 2.13% with it; all three halved 2.35%, doubled 3.34%,
without the mid-sentence cue 2.65%, without the question cue 2.38%, without the request cue 2.36%.
The 16 other pairs 2.33% -> 2.05%; the 11 one-voice recordings unchanged."""
REQUEST_MIN_WORDS = 3
_HUM = re.compile(r"h?m+(?:-?h?m+)*")
"""A listener's hum as Whisper writes it: "Mm-hm", "Mmm", "Hmm", "Mhm"."""
SPECTRUM_ITERATIONS = 10
"""Rounds of spectral resegmentation (:func:`resegment_by_spectrum`) at most; it stops when the
labels settle."""
SPECTRUM_COMPONENTS = 32
"""Diagonal Gaussians in each speaker's mixture of MFCC frames."""
SPECTRUM_WEIGHT = 2.0
"""Weight of the spectral evidence next to the voice score. The three were chosen on the 77 dev
recordings (docs/benchmarks.md); mean DER of the near-identical pair, 24 / 8 / 4 recordings:
1.77 / 5.35 / 3.61% without the resegmentation, 1.22 / 2.08 / 2.10% with it; other pairs
2.05 / 1.94 / 3.18% -> 1.93 / 1.94 / 2.56%; one voice unchanged. 8 components: 4.38 / 8.78 / 3.67%;
16: 1.71 / 3.79 / 2.10%; 64: 1.40 / 2.98 / 2.81%; weight 1 (16 components): 1.65 / 4.69 / 2.81%."""
SPECTRUM_COEFFICIENTS = 19
SPECTRUM_FRAMES_PER_S = 100
SPECTRUM_MIN_FRAMES_PER_COMPONENT = 10
"""A speaker needs this many 10 ms frames per Gaussian, or the resegmentation stops."""
TIMELINE_MIN_PAUSE_S = 0.5
"""A measured silence this long inside a turn is a pause, not speech, in :func:`speech_timeline`.
Chosen on the dev recordings: it is above every pause inside a sentence there (at most 0.42 s)."""


def speaker_name(index: int) -> str:
    return f"Speaker {index + 1}"


@dataclass(frozen=True)
class Stretch:
    """Pause-delimited speech of (presumably) one speaker, and the words spoken in it."""

    start: float
    end: float
    word_indices: tuple[int, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start


def diarize(transcript: Transcript, audio: DecodedAudio, num_speakers: int | None = None) -> Transcript:
    """A copy of ``transcript`` with every word given a speaker and turns split by speaker.

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
    channels = _channel_matrix(getattr(audio, "channels", None))
    if num_speakers == 1:
        labels = [0] * len(words)
        method = "forced single speaker"
    elif channels is not None and distinct_channels(channels):
        labels = channel_labels(words, channels)
        method = "per-channel energy"
    else:
        labels = diarize_voices(words, np.asarray(audio.samples, dtype=np.float32), num_speakers).word_labels
        method = "voice embeddings"
    log.info("diarization by %s: %d speaker(s)", method, len(set(labels)))
    return _split_turns(transcript, labels)


# ---------------------------------------------------------------- stereo


def _channel_matrix(channels: Any) -> np.ndarray | None:
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
    channels = _channel_matrix(channels)
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
    channels = _channel_matrix(channels)
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
    return _renumber(_fill_missing(labels))


def split_channels(audio: DecodedAudio) -> list[DecodedAudio]:
    """One mono copy of ``audio`` per channel, for transcribing each speaker's channel alone
    (overlapping speech stays intelligible, unlike in the downmix)."""
    channels = _channel_matrix(getattr(audio, "channels", None))
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
        spans = _locate_words(turn.text, turn.words) if turn.words else []
        words = [
            replace(w, speaker=speaker, start_char=a, end_char=b) for w, (a, b) in zip(turn.words, spans or [])
        ] if spans is not None else [replace(w, speaker=speaker) for w in turn.words]
        turns.append(replace(turn, speaker=speaker, words=words))
    return replace(transcripts[0], turns=turns)


# ---------------------------------------------------------------- mono


def stretches_for_regions(words: list[Word], regions: list[tuple[float, float]]) -> list[Stretch]:
    """One stretch per speech region, holding the words that overlap it most (the nearest
    region for a word in none). Words without timings join no stretch; they take a
    neighbour's speaker later. Regions without recognised words are kept: they still show
    who spoke when (Whisper drops many one-word back-channels). A stretch grows to cover its
    words, except words longer than ``MAX_WORD_S``: Whisper sometimes stretches a word over many
    seconds of other speech."""
    members: list[list[int]] = [[] for _ in regions]
    for index, word in enumerate(words):
        if word.start is None or word.end is None or not regions:
            continue
        overlaps = [min(word.end, e) - max(word.start, s) for s, e in regions]
        best = int(np.argmax(overlaps))
        if overlaps[best] <= 0:
            middle = (word.start + word.end) / 2
            best = int(np.argmin([min(abs(middle - s), abs(middle - e)) for s, e in regions]))
        members[best].append(index)
    stretches = []
    for (start, end), indices in zip(regions, members):
        timed = [words[i] for i in indices if words[i].end - words[i].start <= MAX_WORD_S]  # type: ignore[operator]
        if timed:
            start = min(start, min(w.start for w in timed))  # type: ignore[type-var]
            end = max(end, max(w.end for w in timed))  # type: ignore[type-var]
        stretches.append(Stretch(start, end, tuple(indices)))
    return stretches


@lru_cache(maxsize=1)
def voice_encoder() -> "VoiceEncoder":
    """resemblyzer's pretrained speaker encoder (weights ship inside the package)."""
    with warnings.catch_warnings():
        # webrtcvad 2.0.10 (resemblyzer's dependency) imports the deprecated pkg_resources
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        from resemblyzer import VoiceEncoder

    return VoiceEncoder("cpu", verbose=False)


@dataclass
class StretchVoices:
    """Voice embeddings of one stretch: overlapping 1.6 s windows and their mean."""

    embedding: np.ndarray
    partials: np.ndarray
    centres: np.ndarray
    """Time (s) at the middle of each partial window."""


def embed_stretches(samples: np.ndarray, stretches: list[Stretch], sample_rate: int = SAMPLE_RATE) -> list[StretchVoices]:
    """Voice embeddings per stretch from resemblyzer's encoder.

    The mel spectrogram is computed once for the whole recording; each stretch is cut into
    1.6 s windows every ``WINDOW_STEP_S`` (a shorter stretch is repeated up to one window),
    levelled to resemblyzer's -30 dBFS, and the windows go through the encoder in batches of
    ``ENCODER_BATCH`` (memory stays bounded on long recordings).
    """
    import torch

    encoder = voice_encoder()  # first: it imports resemblyzer with its warning silenced
    from resemblyzer.audio import wav_to_mel_spectrogram
    from resemblyzer.hparams import audio_norm_target_dBFS, partials_n_frames

    frames_per_s = 100  # resemblyzer's 10 ms mel step
    step = int(WINDOW_STEP_S * frames_per_s)
    mel = wav_to_mel_spectrogram(samples)
    windows: list[np.ndarray] = []
    owners: list[int] = []
    centres: list[float] = []
    for index, stretch in enumerate(stretches):
        a = int(stretch.start * sample_rate)
        b = max(a + 1, int(stretch.end * sample_rate))
        rms = float(np.sqrt(np.mean(samples[a:b] ** 2)) + 1e-9)
        gain = (10 ** (audio_norm_target_dBFS / 20) / rms) ** 2  # mel frames hold power
        first = min(int(stretch.start * frames_per_s), len(mel) - 1)
        frames = mel[first : max(first + 1, int(stretch.end * frames_per_s))] * gain
        if len(frames) < partials_n_frames:
            frames = np.tile(frames, (int(np.ceil(partials_n_frames / len(frames))), 1))[:partials_n_frames]
            windows.append(frames)
            owners.append(index)
            centres.append((stretch.start + stretch.end) / 2)
            continue
        for offset in range(0, len(frames) - partials_n_frames + 1, step):
            windows.append(frames[offset : offset + partials_n_frames])
            owners.append(index)
            centres.append(stretch.start + (offset + partials_n_frames / 2) / frames_per_s)
    threads = torch.get_num_threads()
    # The encoder's small LSTM runs much slower with several threads on a busy CPU.
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            partials = np.vstack([
                encoder(torch.from_numpy(np.stack(windows[i : i + ENCODER_BATCH]).astype(np.float32))).numpy()
                for i in range(0, len(windows), ENCODER_BATCH)
            ])
    finally:
        torch.set_num_threads(threads)
    owner = np.array(owners)
    centre = np.array(centres)
    voices = []
    for index in range(len(stretches)):
        mine = partials[owner == index]
        voices.append(StretchVoices(_normalise(mine.mean(axis=0, keepdims=True))[0], mine, centre[owner == index]))
    return voices


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


@dataclass
class SpeakerModel:
    """Speaker centroids in the embedding space centred on the mean of the reliable stretches,
    and once fitted, a classifier of window embeddings that refines them."""

    mean: np.ndarray
    centroids: np.ndarray
    classifier: Any = None

    def similarities(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine similarity of each embedding to each centroid: shape (n, speakers)."""
        return _normalise(np.atleast_2d(embeddings) - self.mean) @ self.centroids.T

    def window_scores(self, partials: np.ndarray) -> np.ndarray:
        """Per window, a score for each speaker (log-probabilities once the classifier is fitted)."""
        if self.classifier is None:
            return self.similarities(partials)
        return self.classifier.predict_log_proba(partials)

    def speaker_of(self, voices: StretchVoices) -> int:
        """The speaker of a whole stretch: best mean score over its windows."""
        return int(np.argmax(self.window_scores(voices.partials).mean(axis=0)))

    def fit_classifier(self, voices: list[StretchVoices], reliable: np.ndarray) -> None:
        """Resegmentation: train a linear classifier on the window embeddings of the reliable
        stretches, labelled by their nearest centroid. It learns which directions tell these
        particular voices apart, which plain cosine similarity weighs no more than any other."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        chosen = [v for v, keep in zip(voices, reliable) if keep]
        labels = np.concatenate([np.full(len(v.partials), np.argmax(self.similarities(v.embedding))) for v in chosen])
        if len(set(labels.tolist())) != len(self.centroids):
            return  # a speaker without reliable stretches: keep the centroids
        classifier = make_pipeline(StandardScaler(), LogisticRegression(C=CLASSIFIER_C, max_iter=1000))
        self.classifier = classifier.fit(np.vstack([v.partials for v in chosen]), labels)


def fit_speakers(embeddings: np.ndarray, durations: np.ndarray, num_speakers: int | None = None) -> SpeakerModel | None:
    """Speaker centroids from the stretch embeddings, or None for a single speaker.

    Clusters are found among the reliable (long) stretches only, in embeddings centred on
    their mean so that what all voices share drops out, by k-means on the unit sphere (best of
    ``KMEANS_RESTARTS`` starts). With no forced number, the split
    whose silhouette score passes its bar by most wins: ``MIN_SILHOUETTE`` for two speakers,
    ``EXTRA_SPEAKER_SILHOUETTE`` more for each further one; none passing means one speaker,
    and so does too little speech to tell (under ``MIN_STRETCHES_TO_SPLIT`` reliable stretches).
    """
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import silhouette_score

    reliable = durations >= RELIABLE_S
    if reliable.sum() < 3:
        reliable = np.ones(len(embeddings), dtype=bool)
    if reliable.sum() < 2 or num_speakers == 1:
        return None
    mean = embeddings[reliable].mean(axis=0)
    points = _normalise(embeddings[reliable] - mean)

    def fit(k: int) -> np.ndarray:
        with warnings.catch_warnings():  # fewer distinct points than k: fewer clusters, handled below
            warnings.simplefilter("ignore", ConvergenceWarning)
            return KMeans(n_clusters=k, n_init=KMEANS_RESTARTS, random_state=0).fit_predict(points)

    if num_speakers is not None:
        clusters = fit(min(num_speakers, len(points)))
    elif len(points) < MIN_STRETCHES_TO_SPLIT:
        return None
    else:
        best_margin, clusters = 0.0, np.zeros(len(points), dtype=int)
        for k in range(2, min(MAX_SPEAKERS, len(points) - 1) + 1):
            candidate = fit(k)
            if len(set(candidate.tolist())) < k:
                break  # fewer distinct voices than k (repeated audio): no larger k either
            score = silhouette_score(points, candidate, metric="cosine")
            log.debug("diarization: %d speakers, silhouette %.3f", k, score)
            margin = score - (MIN_SILHOUETTE + EXTRA_SPEAKER_SILHOUETTE * (k - 2))
            if margin > best_margin:
                best_margin, clusters = margin, candidate
    labels = sorted(set(clusters.tolist()))
    if len(labels) == 1:
        return None
    centroids = _normalise(np.vstack([points[clusters == c].mean(axis=0) for c in labels]))
    return SpeakerModel(mean, centroids)


def split_at_changes(stretch: Stretch, voices: StretchVoices, model: SpeakerModel, words: list[Word]) -> list[tuple[Stretch, int]]:
    """Resegment one stretch: where its window embeddings switch speaker for at least
    ``MIN_RUN_WINDOWS`` windows, cut at the likeliest word boundary near the switch.

    Returns the pieces with their speaker index (the whole stretch when nothing switches).
    """
    whole = [(stretch, model.speaker_of(voices))]
    if len(voices.partials) < 2 * MIN_RUN_WINDOWS or len(stretch.word_indices) < 2:
        return whole
    window_labels = np.argmax(model.window_scores(voices.partials), axis=1)
    runs: list[tuple[int, int, int]] = []  # (label, first window, last window)
    for i, label in enumerate(window_labels):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], i)
        else:
            runs.append((int(label), i, i))
    runs = [r for r in runs if r[2] - r[1] + 1 >= MIN_RUN_WINDOWS]
    merged: list[tuple[int, int, int]] = []
    for run in runs:
        if merged and merged[-1][0] == run[0]:
            merged[-1] = (run[0], merged[-1][1], run[2])
        else:
            merged.append(run)
    if len(merged) < 2:
        return whole
    cuts: list[int] = []  # positions in stretch.word_indices where a new piece starts
    boundaries = [
        (words[a].end + words[b].start) / 2  # type: ignore[operator]
        for a, b in zip(stretch.word_indices, stretch.word_indices[1:])
    ]
    for before, after in zip(merged, merged[1:]):
        change = (voices.centres[before[2]] + voices.centres[after[1]]) / 2
        cut = 1 + _turn_boundary(stretch, words, boundaries, change)
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    pieces: list[tuple[Stretch, int]] = []
    edges = [0, *cuts, len(stretch.word_indices)]
    for (a, b), run in zip(zip(edges, edges[1:]), merged):
        indices = stretch.word_indices[a:b]
        start = stretch.start if a == 0 else words[indices[0]].start
        end = stretch.end if b == len(stretch.word_indices) else words[indices[-1]].end
        pieces.append((Stretch(start, end, indices), run[0]))  # type: ignore[arg-type]
    return pieces


def _turn_boundary(stretch: Stretch, words: list[Word], boundaries: list[float], change: float) -> int:
    """Index of the word boundary where the speaker most likely changes near ``change``:
    window embeddings only place a change to within about a window, so among the boundaries
    that close, prefer a sentence end and a longer gap between the words."""
    near = [i for i, t in enumerate(boundaries) if abs(t - change) <= CHANGE_SEARCH_S]
    if not near:
        return int(np.argmin([abs(t - change) for t in boundaries]))

    def score(i: int) -> float:
        before, after = words[stretch.word_indices[i]], words[stretch.word_indices[i + 1]]
        gap = max(0.0, (after.start or 0.0) - (before.end or 0.0))
        return gap + (SENTENCE_END_BONUS_S if before.text.rstrip().endswith((".", "?", "!")) else 0.0)

    return max(near, key=lambda i: (score(i), -abs(boundaries[i] - change)))


def piece_score(piece: Stretch, voices: StretchVoices, model: SpeakerModel) -> np.ndarray:
    """Voice evidence for each speaker of a piece of a stretch: the mean score of the windows
    centred inside it (all of the stretch's if none), weighted by its length (``VOICE_EVIDENCE_S``)."""
    inside = (voices.centres >= piece.start) & (voices.centres <= piece.end)
    partials = voices.partials[inside] if inside.any() else voices.partials
    return max(1.0, piece.duration / VOICE_EVIDENCE_S) * model.window_scores(partials).mean(axis=0)


def _is_hum(text: str) -> bool:
    return _HUM.fullmatch(re.sub(r"[^\w-]", "", text.lower())) is not None


def turn_cue(before: str, after: str) -> float:
    """Conversation prior at the boundary between two consecutive pieces of speech, from their
    words: a log-score for the same speaker on both sides (negative: a change is likelier).

    After "?" the other speaker usually answers (``-QUESTION_BONUS``); after a sentence that asks
    by its wording, less surely (``-REQUEST_BONUS``); a boundary inside a sentence seldom changes
    speaker (``+MID_SENTENCE_BONUS``). A piece without words gives no cue (0).
    """
    if not before or not after:
        return 0.0
    if before.endswith("?"):
        return -QUESTION_BONUS
    if not before.endswith((".", "!")) and after[0].islower() and not (_is_hum(before) or _is_hum(after)):
        return MID_SENTENCE_BONUS
    last = re.split(r"(?<=[.!?])\s+", before)[-1]
    return -REQUEST_BONUS if len(last.split()) >= REQUEST_MIN_WORDS and is_question(last) else 0.0


def decode_speakers(scores: np.ndarray, cues: list[float]) -> list[int]:
    """The likeliest speaker sequence (Viterbi) for pieces with voice ``scores`` (pieces x
    speakers) and a same-speaker log-score ``cues[i]`` between piece i and i + 1 (0 for a change)."""
    count, speakers = scores.shape
    same = np.eye(speakers, dtype=bool)
    total = scores[0].copy()
    back = np.zeros((count, speakers), dtype=int)
    for i in range(1, count):
        candidates = total[:, None] + np.where(same, cues[i - 1], 0.0)  # [from, to]
        back[i] = np.argmax(candidates, axis=0)
        total = candidates[back[i], np.arange(speakers)] + scores[i]
    path = [int(np.argmax(total))]
    for i in range(count - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def spectral_frames(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """MFCCs 1-19 (c0, the loudness, left out) of 25 ms frames every 10 ms: shape (frames, 19)."""
    import librosa

    hop = sample_rate // SPECTRUM_FRAMES_PER_S
    mfcc = librosa.feature.mfcc(
        y=samples, sr=sample_rate, n_mfcc=SPECTRUM_COEFFICIENTS + 1,
        n_fft=int(0.025 * sample_rate), hop_length=hop, n_mels=40,
    )
    return np.ascontiguousarray(mfcc[1:].T)


def spectrum_scores(
    frames: np.ndarray, spans: list[tuple[int, int]], pieces: list[Stretch], labels: list[int], speakers: int
) -> np.ndarray | None:
    """Per piece and speaker, evidence from a Gaussian mixture of each speaker's MFCC frames.

    ``frames`` are normalised MFCC frames and ``spans`` each piece's frames in them. Each
    speaker's mixture (``SPECTRUM_COMPONENTS`` diagonal Gaussians) is fitted on the frames of
    the pieces now labelled with that speaker; a piece scores its mean frame log-likelihood under
    each, less the best, weighted like the voice score (``VOICE_EVIDENCE_S``) and by
    ``SPECTRUM_WEIGHT``. None when a speaker has too few frames.
    """
    from sklearn.mixture import GaussianMixture

    mixtures = []
    for speaker in range(speakers):
        mine = [np.arange(a, b) for (a, b), label in zip(spans, labels) if label == speaker]
        own = frames[np.concatenate(mine)] if mine else frames[:0]
        if len(own) < SPECTRUM_MIN_FRAMES_PER_COMPONENT * SPECTRUM_COMPONENTS:
            return None
        mixture = GaussianMixture(SPECTRUM_COMPONENTS, covariance_type="diag", reg_covar=1e-3, random_state=0)
        mixtures.append(mixture.fit(own))
    frame_scores = np.column_stack([mixture.score_samples(frames) for mixture in mixtures])
    scores = np.zeros((len(pieces), speakers))
    for i, ((a, b), piece) in enumerate(zip(spans, pieces)):
        if b > a:
            mean = frame_scores[a:b].mean(axis=0)
            scores[i] = SPECTRUM_WEIGHT * max(1.0, piece.duration / VOICE_EVIDENCE_S) * (mean - mean.max())
    return scores


def resegment_by_spectrum(
    samples: np.ndarray, pieces: list[Stretch], voice: np.ndarray, cues: list[float], labels: list[int]
) -> list[int]:
    """Refine the decoded speakers with each speaker's spectrum, the classic resegmentation step
    of diarization: fit a Gaussian mixture of MFCC frames per speaker on the current labels, add
    its evidence to the voice scores and decode again, until the labels settle (at most
    ``SPECTRUM_ITERATIONS`` rounds). A mixture fitted to this recording's voices hears detail that
    resemblyzer's embedding of a 1.6 s window averages away (near-identical voices: see
    ``SPECTRUM_WEIGHT``). The MFCCs are normalised over the pieces' frames."""
    if voice.shape[1] < 2:
        return labels
    frames = spectral_frames(samples)

    def frame_span(piece: Stretch) -> tuple[int, int]:
        first = int(piece.start * SPECTRUM_FRAMES_PER_S)
        return min(first, len(frames)), min(max(first + 1, int(piece.end * SPECTRUM_FRAMES_PER_S)), len(frames))

    spans = [frame_span(piece) for piece in pieces]
    speech = np.concatenate([np.arange(a, b) for a, b in spans])
    if len(speech) == 0:
        return labels
    frames = (frames - frames[speech].mean(axis=0)) / (frames[speech].std(axis=0) + 1e-6)
    for _ in range(SPECTRUM_ITERATIONS):
        spectrum = spectrum_scores(frames, spans, pieces, labels, voice.shape[1])
        if spectrum is None:
            break
        refined = decode_speakers(voice + spectrum, cues)
        if refined == labels:
            break
        labels = refined
    return labels


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
    model = fit_speakers(np.vstack([v.embedding for v in voices]), durations, num_speakers)
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
    word_labels = [order.setdefault(label, len(order)) for label in _fill_missing(labels)]
    for _, _, label in segments:
        order.setdefault(label, len(order))
    return VoiceDiarization(word_labels, [(a, b, order[label]) for a, b, label in segments])


# ---------------------------------------------------------------- turns


def speech_timeline(transcript: Transcript, min_pause_s: float = TIMELINE_MIN_PAUSE_S) -> list[tuple[float, float, str]]:
    """Who spoke when: ``(start s, end s, speaker)`` pieces of every turn with timed words.

    A turn runs from its first word's start to its last word's end, less the transcript's
    measured silences (``Transcript.silences``) of at least ``min_pause_s``: a long pause
    inside a turn is not speech. Shorter silences (breaths, pauses inside a sentence) stay in.
    """
    pauses = sorted((a, b) for a, b in transcript.silences if b - a >= min_pause_s)
    timeline: list[tuple[float, float, str]] = []
    for turn in transcript.turns:
        timed = [w for w in turn.words if w.start is not None and w.end is not None]
        if not timed:
            continue
        start, end = timed[0].start, timed[-1].end
        for a, b in pauses:
            if a >= end:
                break
            if b <= start:
                continue
            if a > start:
                timeline.append((start, a, turn.speaker))
            start = b
        if end > start:
            timeline.append((start, end, turn.speaker))
    return timeline


def _fill_missing(labels: list[int | None]) -> list[int]:
    """Words without a label take the previous word's (the next one's at the start)."""
    known = next((label for label in labels if label is not None), 0)
    filled: list[int] = []
    for label in labels:
        known = label if label is not None else known
        filled.append(known)
    return filled


def _renumber(labels: list[int]) -> list[int]:
    """Relabel speakers 0, 1, ... in order of first appearance."""
    order: dict[int, int] = {}
    return [order.setdefault(label, len(order)) for label in labels]


def _locate_words(text: str, words: list[Word]) -> list[tuple[int, int]] | None:
    """Character spans of the words in ``text``: their own offsets when set, else found in order."""
    if all(w.start_char is not None and w.end_char is not None for w in words):
        return [(w.start_char, w.end_char) for w in words]  # type: ignore[misc]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        token = word.text.strip()
        found = text.find(token, cursor) if token else -1
        if found < 0:
            return None
        spans.append((found, found + len(token)))
        cursor = found + len(token)
    return spans


def _split_turns(transcript: Transcript, labels: list[int]) -> Transcript:
    """New turns cut wherever the speaker label changes; words carry speaker and offsets."""
    turns: list[Turn] = []
    position = 0
    for turn in transcript.turns:
        if not turn.words:
            speaker = speaker_name(labels[position - 1]) if position else speaker_name(0)
            turns.append(replace(turn, speaker=speaker))
            continue
        turn_labels = labels[position : position + len(turn.words)]
        position += len(turn.words)
        spans = _locate_words(turn.text, turn.words)
        text = turn.text
        if spans is None:
            text = " ".join(w.text.strip() for w in turn.words)
            spans = _locate_words(text, turn.words)
            assert spans is not None
        begin = 0
        for end in range(1, len(turn.words) + 1):
            if end < len(turn.words) and turn_labels[end] == turn_labels[begin]:
                continue
            piece_words = turn.words[begin:end]
            piece_spans = spans[begin:end]
            offset = piece_spans[0][0]
            speaker = speaker_name(turn_labels[begin])
            new_words = [
                replace(w, speaker=speaker, start_char=a - offset, end_char=b - offset)
                for w, (a, b) in zip(piece_words, piece_spans)
            ]
            whole = begin == 0 and end == len(turn.words)
            piece_text = text[offset : piece_spans[-1][1]]
            starts = [w.start for w in piece_words if w.start is not None]
            ends = [w.end for w in piece_words if w.end is not None]
            turns.append(
                replace(
                    turn,
                    speaker=speaker,
                    text=piece_text,
                    start=turn.start if whole or not starts else min(starts),
                    end=turn.end if whole or not ends else max(ends),
                    words=new_words,
                )
            )
            begin = end
    return replace(transcript, turns=turns)
