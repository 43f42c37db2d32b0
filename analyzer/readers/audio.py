"""Recordings in: decoding with PyAV (no ffmpeg binary).

:func:`decode_audio` turns any file FFmpeg understands into 16 kHz mono float32 samples,
the form both Whisper engines and the voice checks take, keeping the two channels of a
stereo recording apart for channel-based diarization. Silences are measured from these
samples by :mod:`analyzer.asr.vad`; :mod:`analyzer.recording` turns a recording into a
transcript.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.errors import InputError
from analyzer.fileio import file_sha256

log = logging.getLogger("analyzer")

SAMPLE_RATE = 16000

DEFAULT_MAX_DURATION_S = 3 * 3600.0
"""Longest recording accepted by default: 3 h of mono 16 kHz float32 is about 0.7 GB."""

_CHUNK_SAMPLES = 30 * SAMPLE_RATE


@dataclass
class DecodedAudio:
    """A decoded recording: mono 16 kHz float32 ``samples`` in [-1, 1].

    ``channels`` holds the left/right channels as a ``(2, n)`` float32 array when the
    source was stereo (one speaker per channel in many recordings), else ``None``.
    """

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    channels: np.ndarray | None = None
    path: Path | None = None
    sha256: str | None = None
    """Hash of the file's bytes: the transcript cache key."""
    source_channels: int = 1

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def decode_audio(path: Path, *, max_duration_s: float | None = DEFAULT_MAX_DURATION_S) -> DecodedAudio:
    """Decode the first audio track of ``path`` (any container FFmpeg reads) to 16 kHz.

    Raises :class:`InputError` for a missing, empty or corrupt file, a file without an
    audio track, a track without samples, or a recording longer than ``max_duration_s``.
    Memory: the output arrays plus one 30 s chunk, never a second full copy.
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: {'is a directory' if path.is_dir() else 'no such file'}")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise InputError(f"{path}: not a readable audio file ({_reason(error)})") from None
    with container:
        if not container.streams.audio:
            raise InputError(f"{path}: the file has no audio track")
        stream = container.streams.audio[0]
        source_channels = stream.codec_context.channels or 1
        estimate = _estimated_duration(container, stream)
        if max_duration_s is not None and estimate is not None and estimate > max_duration_s:
            raise InputError(
                f"{path}: recording is {_length(estimate)} long, over the limit of "
                f"{_length(max_duration_s)} (audio setting max-duration-s)"
            )
        stereo = source_channels == 2
        buffer = _Buffer(2 if stereo else 1, estimate)
        resampler = av.audio.resampler.AudioResampler(format="fltp", layout="stereo" if stereo else "mono", rate=SAMPLE_RATE)
        limit = None if max_duration_s is None else int(max_duration_s * SAMPLE_RATE) + SAMPLE_RATE
        try:
            for frame in _frames(container, stream):
                for out in resampler.resample(frame):
                    buffer.append(out.to_ndarray())
                if limit is not None and buffer.size > limit:
                    raise InputError(
                        f"{path}: recording is over the limit of {_length(max_duration_s)} "
                        "(audio setting max-duration-s)"
                    )
            for out in resampler.resample(None):
                buffer.append(out.to_ndarray())
        except av.error.FFmpegError as error:
            raise InputError(f"{path}: audio could not be decoded ({_reason(error)})") from None
    planes = buffer.result()
    if planes.shape[1] == 0:
        raise InputError(f"{path}: the audio track holds no decodable samples")
    np.clip(planes, -1.0, 1.0, out=planes)
    if stereo:
        mono = planes.mean(axis=0, dtype=np.float32)
        channels = planes
    else:
        mono, channels = planes[0], None
    return DecodedAudio(
        samples=mono, channels=channels, path=path, sha256=file_sha256(path), source_channels=source_channels
    )


def _frames(container, stream):
    """Decoded frames, skipping frames FFmpeg reports as invalid (as faster-whisper does)."""
    import av

    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            frame.pts = None
            yield frame


def _estimated_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


def _length(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error).splitlines()[0]


class _Buffer:
    """Grows a ``(channels, n)`` float32 array in place, preallocated from the container's
    duration estimate so that long files are not copied again at the end."""

    def __init__(self, channels: int, estimate_s: float | None) -> None:
        capacity = int((estimate_s or 60.0) * SAMPLE_RATE * 1.02) + _CHUNK_SAMPLES
        self._data = np.empty((channels, capacity), dtype=np.float32)
        self.size = 0

    def append(self, block: np.ndarray) -> None:
        n = block.shape[1]
        if self.size + n > self._data.shape[1]:
            grown = np.empty((self._data.shape[0], max(2 * self._data.shape[1], self.size + n)), dtype=np.float32)
            grown[:, : self.size] = self._data[:, : self.size]
            self._data = grown
        self._data[:, self.size : self.size + n] = block
        self.size += n

    def result(self) -> np.ndarray:
        if self._data.shape[1] - self.size > max(2 * _CHUNK_SAMPLES, self.size // 10):
            return self._data[:, : self.size].copy()  # release the rest of a grossly wrong estimate
        return self._data[:, : self.size]
