"""Diarization error rate and cost of ``analyzer.speakers`` on recordings with known speakers.

    python scripts/eval_diarization.py

For each recording: transcribe it with the default engine and model (faster-whisper base since #23;
the synthetic-voice figures in docs/benchmarks.md were taken with tiny.en; no transcript cache), run
``diarize()`` as ``read_recording`` does, and score its speech timeline
(``analyzer.speakers.turns.speech_timeline``: the turns less measured pauses of 0.5 s or more; the
turns' whole word spans are scored too, as before) against the reference with
pyannote.metrics' DiarizationErrorRate (optimal speaker mapping; with a 0.5 s collar, i.e.
0.25 s either side of each reference boundary, and without). Also
reported: the share of recognised words given the right speaker, and the time taken by
transcription and by diarization (the encoder's one-off loading time is listed apart).

Recordings (all committed, so this runs offline):

* ``tests/fixtures/diarization/heldout2_*``: synthetic interviews (scripts/make_diarization_audio.py,
  script "heldout2", written before the second method change was frozen and generated after it,
  voices never used before), many speaker changes, one-word back-channels and two long pauses
  inside answers: a woman and a man, two men and two women of the same pitch range, and one
  voice speaking both parts.
* ``tests/fixtures/diarization/heldout_*``: the same kind (script "heldout"): a woman and a man,
  two men, and a woman and a man again (``heldout_female_male``, once called ``heldout_female``:
  its candidate was asked for as "en-gb+aunty", which espeak-ng speaks as plain "en-gb", a man);
  scored before (see docs/benchmarks.md for how often).
* ``tests/fixtures/diarization/two_voices``: the same kind (script "eval"), a US man and a British
  woman (en-us+m3 / en+f3), as the sample was meant to be; made on 2026-11-26, after the method.
* ``tests/fixtures/diarization/two_voices_same_pitch`` (the old ``two_voices``) and
  ``two_voices_unseen``: script "eval"; the first is two men of the same pitch who differ only in
  accent (en-us+m3 / en-gb; asked for as "en-gb+f3", which espeak-ng speaks as plain "en-gb").
  Their errors were looked at during development, so they are no longer held out.
* ``tests/fixtures/diarization/one_voice``: one voice reading questions and answers.
* ``sample_transcripts/mock_interview_audio``: the project's sample interview, the same two voices
  as ``two_voices_same_pitch`` (looked at while developing, so not held out); its scripted in-turn
  pauses are removed from the reference. ``weak_candidate_audio``: the README's quick-start sample
  (en-gb-x-rp+m1 / en-us+f4, a man and a woman; the same treatment of pauses).
* ``tests/fixtures/stereo_diarization.wav``: real read speech, one speaker per channel,
  overlapping in time. Reference: Silero VAD speech of each channel on its own. For stereo the
  "ASR s" column of the ``read_recording`` row is the whole read (both channels transcribed).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MONO = [
    ("heldout2_mixed", FIXTURES / "diarization" / "heldout2_mixed.ogg", "fresh held out, woman and man"),
    ("heldout2_male", FIXTURES / "diarization" / "heldout2_male.ogg", "fresh held out, two men, same pitch"),
    ("heldout2_female", FIXTURES / "diarization" / "heldout2_female.ogg", "fresh held out, two women, same pitch"),
    ("heldout2_one_voice", FIXTURES / "diarization" / "heldout2_one_voice.ogg", "fresh held out, one voice"),
    ("heldout_mixed", FIXTURES / "diarization" / "heldout_mixed.ogg", "held out, woman and man"),
    ("heldout_male", FIXTURES / "diarization" / "heldout_male.ogg", "held out, two men"),
    ("heldout_female_male", FIXTURES / "diarization" / "heldout_female_male.ogg", "held out, woman and man"),
    ("two_voices", FIXTURES / "diarization" / "two_voices.ogg", "new, man and woman"),
    ("two_voices_same_pitch", FIXTURES / "diarization" / "two_voices_same_pitch.ogg", "seen, two men, same pitch"),
    ("two_voices_unseen", FIXTURES / "diarization" / "two_voices_unseen.ogg", "seen"),
    ("one_voice", FIXTURES / "diarization" / "one_voice.ogg", "seen, one speaker"),
    ("mock_interview_audio", ROOT / "sample_transcripts" / "mock_interview_audio.ogg", "seen, two men, same pitch"),
    ("weak_candidate_audio", ROOT / "sample_transcripts" / "weak_candidate_audio.ogg", "seen, man and woman"),
]
STEREO = FIXTURES / "stereo_diarization.wav"


def reference_annotation(reference_path: Path) -> Any:
    """Reference speech per speaker (named by voice: one voice in both roles is one speaker):
    the turns, minus the scripted pauses inside them."""
    from pyannote.core import Annotation, Segment, Timeline

    data = json.loads(reference_path.read_text(encoding="utf-8"))
    annotation = Annotation()
    for index, turn in enumerate(data["turns"]):
        pauses = Timeline([Segment(p["start"], p["end"]) for p in data.get("pauses", []) if p["turn"] == index])
        speech = Timeline([Segment(turn["start"], turn["end"])]).extrude(pauses.support()) if pauses else [
            Segment(turn["start"], turn["end"])
        ]
        for segment in speech:
            annotation[segment, f"{index}"] = turn.get("voice", turn["speaker"])
    return annotation


def hypothesis_annotation(transcript: Any) -> Any:
    """Who spoke when as ``analyzer.speakers.turns.speech_timeline`` gives it: each diarized turn from
    its first word's start to its last word's end, less measured silences of 0.5 s or more."""
    from analyzer.speakers.turns import TIMELINE_MIN_PAUSE_S

    return timeline_annotation(transcript, TIMELINE_MIN_PAUSE_S)


def word_span_annotation(transcript: Any) -> Any:
    """The earlier headline: each diarized turn from its first word's start to its last
    word's end, long pauses inside it included (no silence is long enough to cut it)."""
    return timeline_annotation(transcript, math.inf)


def timeline_annotation(transcript: Any, min_pause_s: float) -> Any:
    from pyannote.core import Annotation, Segment

    from analyzer.speakers.turns import speech_timeline

    annotation = Annotation()
    for index, (start, end, speaker) in enumerate(speech_timeline(transcript, min_pause_s)):
        annotation[Segment(start, end), f"{index}"] = speaker
    return annotation


def scores(reference: Any, hypothesis: Any, transcript: Any) -> dict[str, float]:
    """DER (collar 0.5 s and 0), its confusion part, and word-level speaker accuracy."""
    from pyannote.metrics.diarization import DiarizationErrorRate

    result: dict[str, float] = {}
    for collar in (0.5, 0.0):
        detail = DiarizationErrorRate(collar=collar)(reference, hypothesis, detailed=True)
        total = detail["total"] or 1.0
        result[f"der@{collar}"] = detail["diarization error rate"]
        result[f"confusion@{collar}"] = detail["confusion"] / total
        result[f"missed@{collar}"] = detail["missed detection"] / total
        result[f"false_alarm@{collar}"] = detail["false alarm"] / total
        result[f"speech_s@{collar}"] = detail["total"]
    mapping = DiarizationErrorRate().optimal_mapping(reference, hypothesis)
    right = counted = 0
    for turn in transcript.turns:
        for word in turn.words:
            if word.start is None or word.end is None:
                continue
            middle = (word.start + word.end) / 2
            speakers = {reference[s, t] for s, t in reference.itertracks() if s.start <= middle <= s.end}
            if len(speakers) == 1:
                counted += 1
                right += mapping.get(turn.speaker) in speakers
    result["word_accuracy"] = right / counted if counted else float("nan")
    return result


def transcribe(path: Path) -> tuple[Any, Any, float]:
    """Transcript (one speaker) and audio of ``path``, and the seconds transcription took."""
    from analyzer.recording import read_recording

    start = time.perf_counter()
    transcript, audio = read_recording(path, {"quiet": True, "cache": False, "speakers": 1})
    return transcript, audio, time.perf_counter() - start


def evaluate_mono(name: str, path: Path, note: str) -> dict[str, Any]:
    from analyzer.speakers.diarize import diarize

    transcript, audio, asr_s = transcribe(path)
    start = time.perf_counter()
    diarized = diarize(transcript, audio)
    diarize_s = time.perf_counter() - start
    reference = reference_annotation(path.with_name(path.stem + ".reference.json"))
    row = {"name": name, "note": note, "duration_s": audio.duration_s, "asr_s": asr_s, "diarize_s": diarize_s}
    row["speakers"] = f"{len(diarized.speakers)} (ref {len(reference.labels())})"
    row.update(scores(reference, hypothesis_annotation(diarized), diarized))
    row["der_word_spans"] = scores(reference, word_span_annotation(diarized), diarized)["der@0.5"]
    row["timeline_der"] = timeline_der(reference, transcript, audio)
    return row


def timeline_der(reference: Any, transcript: Any, audio: Any) -> float:
    """DER (collar 0.5 s) of the speaker timeline itself: every VAD speech region with its
    speaker, whether or not Whisper recognised words in it."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from analyzer.speakers.diarize import diarize_voices

    words = [w for turn in transcript.turns for w in turn.words]
    timeline = Annotation()
    for index, (start, end, speaker) in enumerate(diarize_voices(words, audio.samples).segments):
        timeline[Segment(start, end), f"{index}"] = f"speaker {speaker}"
    return DiarizationErrorRate(collar=0.5)(reference, timeline)


def evaluate_stereo() -> list[dict[str, Any]]:
    """The stereo clip two ways: as ``read_recording`` does it (each channel transcribed on its
    own, the channel naming the speaker) and, for comparison, ``diarize()`` on the downmix
    transcript (words assigned by channel energy)."""
    from pyannote.core import Annotation, Segment

    from analyzer.asr.vad import speech_regions
    from analyzer.speakers.channels import split_channels
    from analyzer.speakers.diarize import diarize
    from analyzer.recording import read_recording

    start = time.perf_counter()
    per_channel, audio = read_recording(STEREO, {"quiet": True, "cache": False})
    per_channel_s = time.perf_counter() - start
    reference = Annotation()
    for channel, part in enumerate(split_channels(audio)):
        for index, (a, b) in enumerate(speech_regions(part.samples, min_silence_s=0.3)):
            reference[Segment(a, b), f"{channel}-{index}"] = f"channel {channel + 1}"
    rows = []
    row = {"name": "stereo_diarization (read_recording: each channel transcribed)", "note": "real speech",
           "duration_s": audio.duration_s, "asr_s": per_channel_s, "diarize_s": 0.0,
           "speakers": f"{len(per_channel.speakers)} (ref 2)"}
    row.update(scores(reference, hypothesis_annotation(per_channel), per_channel))
    row["der_word_spans"] = scores(reference, word_span_annotation(per_channel), per_channel)["der@0.5"]
    rows.append(row)

    transcript, audio, asr_s = transcribe(STEREO)
    start = time.perf_counter()
    diarized = diarize(transcript, audio)
    row = {"name": "stereo_diarization (downmix transcript, channel energy)", "note": "real speech",
           "duration_s": audio.duration_s, "asr_s": asr_s, "diarize_s": time.perf_counter() - start,
           "speakers": f"{len(diarized.speakers)} (ref 2)"}
    row.update(scores(reference, hypothesis_annotation(diarized), diarized))
    row["der_word_spans"] = scores(reference, word_span_annotation(diarized), diarized)["der@0.5"]
    rows.append(row)
    return rows


def scaling(repeats: int = 9) -> tuple[float, float, float]:
    """Voice diarization alone (no ASR) on ``two_voices_same_pitch`` (the recording these timings
    always used) repeated ``repeats`` times: (audio seconds, diarization seconds, growth of peak
    resident memory in MiB)."""
    import resource

    import numpy as np

    from analyzer.readers.audio import decode_audio
    from analyzer.speakers.diarize import diarize_voices

    samples = np.tile(decode_audio(FIXTURES / "diarization" / "two_voices_same_pitch.ogg").samples, repeats)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    diarize_voices([], samples)
    seconds = time.perf_counter() - start
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return len(samples) / 16000, seconds, growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    import numpy as np

    from analyzer.speakers.embeddings import Stretch, embed_stretches
    from analyzer.speakers.voice_encoder import load_voice_encoder

    start = time.perf_counter()
    load_voice_encoder()
    embed_stretches(np.random.default_rng(0).normal(0, 0.1, 32000).astype(np.float32), [Stretch(0.0, 2.0, ())])
    load_s = time.perf_counter() - start
    long_audio_s, long_diarize_s, long_memory_mib = scaling()
    rows = [evaluate_mono(*item) for item in MONO] + evaluate_stereo()

    print(f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}; command: python scripts/eval_diarization.py")
    print(f"resemblyzer encoder load and first embedding (once per process: ONNX Runtime, librosa): {load_s:.1f} s")
    print(f"voice diarization alone on {long_audio_s:.0f} s of audio (two_voices_same_pitch x 9, no ASR): {long_diarize_s:.1f} s, "
          f"peak resident memory +{long_memory_mib:.0f} MiB\n")
    print("| recording | audio s | speakers found | DER (collar 0.5 s) | confusion | missed | false alarm "
          "| DER (no collar) | DER, word spans | timeline DER | words right speaker | ASR s | diarization s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        timeline = f"{r['timeline_der']:.1%}" if "timeline_der" in r else "-"
        print(f"| {r['name']} ({r['note']}) | {r['duration_s']:.1f} | {r['speakers']} | {r['der@0.5']:.1%} "
              f"| {r['confusion@0.5']:.1%} | {r['missed@0.5']:.1%} | {r['false_alarm@0.5']:.1%} | {r['der@0.0']:.1%} "
              f"| {r['der_word_spans']:.1%} | {timeline} | {r['word_accuracy']:.1%} | {r['asr_s']:.1f} | {r['diarize_s']:.2f} |")

if __name__ == "__main__":
    main()
