"""audio-quality: technical trouble in a recording (clipping, a very low level, background noise, dropouts,
one side much louder than the other), measured from the decoded samples
(:mod:`analyzer.detectors.audio_quality`), each with the stretches of the recording where it happens.
A session rule; transcripts without audio are outside its scope."""

from __future__ import annotations

from typing import Any, Mapping

from analyzer.checks.context import Findings, SessionContext
from analyzer.checks.rule import Example, Metric, Option, Rule, flag
from analyzer.datamodel import Flag, Span

RULE = Rule(
    code="audio-quality",
    name="Audio quality",
    summary="The recording clips, is very quiet, noisy, drops out, or one side is much louder",
    what="Measures the decoded recording with numpy: the share of samples at full scale (clipping), the speech "
    "level (95th percentile of 20 ms frame levels, dBFS), a signal-to-noise estimate (speech level minus the "
    "10th-percentile noise floor), dropouts (digital silences cut out of speech in a recording that otherwise "
    "has a noise floor) and, with speakers, the level of each speaker's voice. Each problem is one flag with "
    "the stretches where it happens.",
    why="In a video or phone interview the interviewer hears the recording, not the candidate: distortion, "
    "noise or a voice that cuts out makes answers hard to follow and tiring to listen to, whatever they say.",
    examples=(
        Example("(a transcript: no recording to measure)", "Tell me about yourself.", flagged=False),
    ),
    severity="warning",
    scope="session",
    needs_audio=True,
    options=(
        Option("clip-level", 0.98, "A sample at or above this absolute value (full scale is 1) is clipped.",
               above=0, maximum=1),
        Option("max-clipped-share", 0.001, "Flag clipping when more than this share of the samples is clipped.",
               minimum=0, maximum=1),
        Option("min-level-dbfs", -40.0, "Flag a speech level (dBFS) below this as very low.", maximum=0),
        Option("min-snr-db", 15.0, "Flag background noise when speech is less than this many dB above the noise "
               "floor.", minimum=0),
        Option("max-dropouts", 0, "Flag more dropouts than this.", minimum=0),
        Option("dropout-near-db", 12.0, "A digital silence is a dropout when the sound beside it is within this "
               "many dB of the speech level.", above=0),
        Option("max-speaker-gap-db", 10.0, "Flag when one speaker's voice is this many dB louder than another's.",
               above=0),
    ),
    namespace="audio",
    metrics=(
        Metric("speech_level_dbfs", "Speech level: 95th percentile of 20 ms frame levels, dBFS."),
        Metric("noise_floor_dbfs", "Noise floor: 10th percentile of the frame levels with sound, dBFS."),
        Metric("snr_db", "Speech level minus noise floor, dB."),
        Metric("clipped_share", "Share of the samples at or above clip-level."),
        Metric("dropouts", "Digital silences cut out of speech."),
        Metric("speaker_levels_dbfs", "Median level of each speaker's voice, dBFS (with timed speakers)."),
        Metric("speaker_gap_db", "The loudest speaker's level minus the quietest's, dB."),
    ),
)

ADVICE = {
    "clipping": "Lower the microphone gain (or move back from the microphone) until your loudest words stay below "
    "full scale, and turn off automatic gain boosts; make a test recording first.",
    "quiet": "Raise the microphone gain or move closer (a hand's width for a headset, about 30 cm for a desk "
    "microphone), and check the input level in a test call before the interview.",
    "noise": "Record in a quiet room with the door and windows shut, away from fans and traffic; a headset "
    "microphone close to the mouth and the call app's noise suppression help.",
    "dropouts": "The audio cut out: use a wired connection or sit near the router, close other programs that use "
    "the network, and make a test call; if it happens in the interview, say so and repeat the answer.",
    "balance": "One side is much louder: ask the other side to adjust their input level, or check your own "
    "microphone gain and distance in a test call.",
}


def _stretch_span(start_s: float, end_s: float, note: str) -> Span:
    return Span(0, 0, "", note=note, start_s=start_s, end_s=end_s)


def check(session: SessionContext, opts: Mapping[str, Any]) -> Findings:
    if session.audio is None or len(session.audio) == 0:
        return Findings(assessed=False)
    from analyzer.detectors.audio_quality import measure

    turns = [(t.speaker, t.start, t.end) for t in session.transcript.turns if t.start is not None and t.end is not None]
    q = measure(session.audio, session.sample_rate, clip_level=float(opts["clip-level"]),
                min_level_dbfs=float(opts["min-level-dbfs"]), min_snr_db=float(opts["min-snr-db"]),
                dropout_near_db=float(opts["dropout-near-db"]),
                turns=turns if len(session.transcript.speakers) > 1 else ())
    found = Findings(metrics={"speech_level_dbfs": q.speech_level_dbfs, "noise_floor_dbfs": q.noise_floor_dbfs,
                              "snr_db": q.snr_db, "clipped_share": q.clipped_share, "dropouts": len(q.dropouts),
                              "speaker_levels_dbfs": q.speaker_levels_dbfs, "speaker_gap_db": q.speaker_gap_db})
    found.flags.extend(f for f in _flags(q, opts) if f is not None)
    return found


def _flags(q: Any, opts: Mapping[str, Any]) -> list[Flag | None]:
    out: list[Flag | None] = []
    if q.clipped_share > opts["max-clipped-share"]:
        out.append(flag(RULE, f"The recording clips: {q.clipped_share:.2%} of the samples are at full scale, in "
                        f"{len(q.clipped)} stretch(es).", ADVICE["clipping"], measure="clipped_share",
                        value=q.clipped_share, threshold=opts["max-clipped-share"],
                        evidence=[_stretch_span(s.start_s, s.end_s, f"{s.value:.0%} of the samples clipped")
                                  for s in q.clipped]))
    if q.speech_level_dbfs < opts["min-level-dbfs"]:
        out.append(flag(RULE, f"The speech level is very low: {q.speech_level_dbfs:.0f} dBFS (at least "
                        f"{opts['min-level-dbfs']:g} needed).", ADVICE["quiet"], measure="speech_level_dbfs",
                        value=q.speech_level_dbfs, threshold=opts["min-level-dbfs"],
                        evidence=[_stretch_span(s.start_s, s.end_s, f"peaks at {s.value:.0f} dBFS") for s in q.quiet]))
    if q.snr_db < opts["min-snr-db"]:
        out.append(flag(RULE, f"Background noise: speech is only {q.snr_db:.0f} dB above the noise floor "
                        f"(at least {opts['min-snr-db']:g} dB needed).", ADVICE["noise"], measure="snr_db",
                        value=q.snr_db, threshold=opts["min-snr-db"],
                        evidence=[_stretch_span(s.start_s, s.end_s, f"noise at {s.value:.0f} dBFS") for s in q.noisy]))
    if len(q.dropouts) > opts["max-dropouts"]:
        out.append(flag(RULE, f"The audio drops out {len(q.dropouts)} time(s) mid-speech.", ADVICE["dropouts"],
                        measure="dropouts", value=len(q.dropouts), threshold=opts["max-dropouts"],
                        evidence=[_stretch_span(s.start_s, s.end_s, f"{s.value * 1000:.0f} ms of silence")
                                  for s in q.dropouts]))
    gap = q.speaker_gap_db
    if gap is not None and gap >= opts["max-speaker-gap-db"]:
        loud = max(q.speaker_levels_dbfs, key=q.speaker_levels_dbfs.get)
        quiet = min(q.speaker_levels_dbfs, key=q.speaker_levels_dbfs.get)
        out.append(flag(RULE, f"{loud} is {gap:.0f} dB louder than {quiet}.", ADVICE["balance"],
                        measure="speaker_gap_db", value=gap, threshold=opts["max-speaker-gap-db"],
                        detail={"speaker_levels_dbfs": q.speaker_levels_dbfs}))
    return out
