"""Property-based fuzzing (hypothesis) of the readers and the pipeline (#22, docs/robustness.md).

The contract, for any bytes in a ``.txt``, ``.vtt``, ``.srt`` or ``.json`` file: reading gives a sane
transcript (visible text, finite times in range, nothing ending before it starts, offsets inside the
text) or an :class:`InputError` of one short line; analysing gives a report that is strict JSON
matching the schema, or an :class:`InputError`. Never another exception.

Inputs are valid-looking transcripts in each format, built from labels, timestamps and words that
include hostile ones (zero-width and direction marks, NUL, NaN, huge and negative times), then
mutated at the byte level (truncated, spliced, re-encoded, line endings changed). The examples are
derandomized so the suite is repeatable; ``INTERVIEW_ANALYZER_FUZZ_EXAMPLES=2000`` runs a deeper,
random search. Deadlines are generous: they catch a hang, not a slow machine.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzer.errors import InputError
from analyzer.pipeline import read_input
from analyzer.readers.limits import MAX_TEXT_CHARS, MAX_TIME_S, is_blank
from analyzer.resources import schema_file

DEEP = int(os.environ.get("INTERVIEW_ANALYZER_FUZZ_EXAMPLES", "0"))
READER_SETTINGS = settings(max_examples=DEEP or 150, deadline=timedelta(seconds=10), derandomize=not DEEP,
                           database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PIPELINE_SETTINGS = settings(max_examples=DEEP or 25, deadline=timedelta(seconds=60), derandomize=not DEEP,
                             database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE = ["\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\x00", "\r", "\x1b[31m", "\u0301", "مرحبا", "-->",
           "NaN", "Infinity", "1e999", ":", "[", "]", "<v>", "\\ud800", "\t", "\u2028"]
WORDS = ["Tell me about a time", "you failed", "why this role", "we shipped", "I led", "the release", "um", "uh",
         "like", "you know", "so", "my manager was useless", "on time", "because", "?", "."]
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(max_size=8))
sentence = st.lists(word, min_size=0, max_size=12).map(" ".join)
label = st.one_of(st.sampled_from(["Interviewer", "Candidate", "Q", "A", "Jane Doe", "Sam Lee", "SPEAKER_00",
                                   "Speaker 1", "Coach", "Me"]),
                  st.sampled_from(HOSTILE).map(lambda h: f"Cand{h}idate"), st.text(max_size=10))
seconds = st.one_of(st.integers(0, 7200), st.integers(-100, 10**12), st.floats(allow_nan=True, allow_infinity=True))


def clock(value: float, sep: str) -> str:
    """A subtitle time, also for values no real file has (negative, huge, NaN as garbage)."""
    if not isinstance(value, int):
        return f"00:00:{value}{sep}000"
    sign, value = ("-" if value < 0 else ""), abs(value)
    hours, rest = divmod(value, 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{sep}000"


@st.composite
def text_transcript(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        prefix = draw(st.sampled_from(["", "[00:01:23] ", "[-1:00] ", "(12:00) ", "[99:99:99] ", "[123:00:00] "]))
        lines.append(f"{prefix}{draw(label)}: {draw(sentence)}")
        if draw(st.booleans()):
            lines.append(draw(sentence))
    return draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"])).join(lines)


@st.composite
def subtitles(draw, vtt: bool) -> str:
    blocks = []
    for number in range(1, draw(st.integers(0, 8)) + 1):
        start, end = draw(seconds), draw(seconds)
        timing = f"{clock(start, '.' if vtt else ',')} --> {clock(end, '.' if vtt else ',')}"
        speaker = f"<v {draw(label)}>" if vtt and draw(st.booleans()) else f"{draw(label)}: "
        index = "" if vtt else f"{number}\n"
        blocks.append(f"{index}{timing}\n{speaker}{draw(sentence)}")
    return ("WEBVTT\n\n" if vtt else "") + "\n\n".join(blocks) + "\n"


junk = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8)


def maybe(draw, proper):
    """Mostly a well-typed value, sometimes any JSON value in its place."""
    return draw(junk) if draw(st.integers(0, 5)) == 0 else draw(proper)


@st.composite
def json_transcript(draw) -> str:
    time = st.one_of(st.none(), st.floats(0, 3600), seconds)
    if draw(st.booleans()):
        turns = [{"speaker": maybe(draw, label), "text": maybe(draw, sentence), "start": maybe(draw, time),
                  "end": maybe(draw, time),
                  "words": maybe(draw, st.lists(st.fixed_dictionaries(
                      {"text": sentence, "start": time, "end": time, "start_char": st.integers(-2, 40),
                       "end_char": st.integers(-2, 40)}), max_size=3))}
                 for _ in range(draw(st.integers(0, 5)))]
        data: object = {"format": "interview-analyzer-transcript", "version": maybe(draw, st.just(1)),
                        "turns": turns, "silences": maybe(draw, st.lists(st.lists(time, min_size=2, max_size=2))),
                        "audio": maybe(draw, st.none() | st.fixed_dictionaries(
                            {"path": st.none() | st.text(max_size=10), "duration_s": time}))}
    else:
        segments = [{"text": maybe(draw, sentence), "start": maybe(draw, time), "end": maybe(draw, time),
                     "speaker": maybe(draw, st.none() | label),
                     "words": maybe(draw, st.lists(st.fixed_dictionaries(
                         {"word": word, "start": time, "end": time, "probability": st.floats(-1, 2)}), max_size=4))}
                    for _ in range(draw(st.integers(0, 5)))]
        data = segments if draw(st.booleans()) else {"text": "", "segments": segments}
    return json.dumps(data, ensure_ascii=draw(st.booleans()))


@st.composite
def mutated(draw, source) -> bytes:
    """``source`` encoded, then changed the ways real files get damaged."""
    data = draw(source).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"])), "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        where = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["truncate", "insert", "delete", "duplicate", "cr-only"]))
        if operation == "truncate":
            data = data[:where]
        elif operation == "insert":
            data = data[:where] + draw(st.binary(max_size=8)) + data[where:]
        elif operation == "delete":
            data = data[:where] + data[where + draw(st.integers(1, 16)):]
        elif operation == "duplicate":
            data = data[:where] * 2 + data[where:]
        else:
            data = data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    return data


def assert_sane(transcript) -> None:
    assert transcript.turns
    assert sum(len(t.text) for t in transcript.turns) <= MAX_TEXT_CHARS
    times = [(t.start, t.end) for t in transcript.turns]
    times += [(w.start, w.end) for t in transcript.turns for w in t.words] + list(transcript.silences)
    for start, end in times:
        for value in (start, end):
            assert value is None or (math.isfinite(value) and 0 <= value <= MAX_TIME_S)
        assert start is None or end is None or start <= end
    for turn in transcript.turns:
        assert not is_blank(turn.text)
        (turn.text + turn.speaker).encode("utf-8")  # no lone surrogate reaches a report
        for w in turn.words:
            assert w.start_char is None or w.end_char is None or 0 <= w.start_char <= w.end_char <= len(turn.text)


def assert_one_line(error: InputError) -> None:
    message = str(error)
    assert message and "\n" not in message and "\r" not in message and len(message) < 400, message


def read_bytes(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            transcript = read_input(path).transcript
        except InputError as error:
            assert_one_line(error)
            return None
    assert_sane(transcript)
    return transcript


@pytest.mark.parametrize("suffix, source", [
    (".txt", text_transcript()),
    (".vtt", subtitles(vtt=True)),
    (".srt", subtitles(vtt=False)),
    (".json", json_transcript()),
])
def test_a_reader_gives_a_sane_transcript_or_one_line(suffix: str, source) -> None:
    @READER_SETTINGS
    @given(data=mutated(source))
    def check(data: bytes) -> None:
        read_bytes(data, suffix)

    check()


@READER_SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".vtt", ".srt", ".json"]))
def test_random_bytes_give_a_sane_transcript_or_one_line(data: bytes, suffix: str) -> None:
    read_bytes(data, suffix)


LIGHT_RULES = ["missing-star", "employer-negativity", "low-enthusiasm"]
"""The checks whose models load in seconds; the corpus test (test_fuzz_corpus.py) runs every check."""


@pytest.fixture(scope="module")
def light_analyzer():
    from analyzer.config import from_mapping
    from analyzer.pipeline import Analyzer

    analyzer = Analyzer(from_mapping({"select": LIGHT_RULES}))
    analyzer.analyze("Interviewer: Why this role?\nCandidate: I like the product.\n")  # load the models once
    return analyzer


@st.composite
def interview(draw) -> tuple[str, str]:
    """(suffix, content): an interview in any format, most with answers, hostile words mixed in."""
    visible = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE).filter(lambda h: h != "\x00"),
                                 st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8)),
                       max_size=14).map(" ".join)
    turns = []
    for _ in range(draw(st.integers(1, 4))):
        turns.append(("Interviewer", f"{draw(visible)} {draw(st.sampled_from(WORDS[:3]))}?"))
        turns.append((draw(st.sampled_from(["Candidate", "Candidate", "Interviewer", "Coach"])), draw(visible)))
    suffix = draw(st.sampled_from([".txt", ".vtt", ".srt", ".json"]))
    if suffix == ".txt":
        return suffix, "\n".join(f"{who}: {what}" for who, what in turns)
    if suffix == ".json":
        return suffix, json.dumps([{"speaker": who, "text": what, "start": 5 * n, "end": 5 * n + 4}
                                   for n, (who, what) in enumerate(turns)])
    cues = [(clock(5 * n, "." if suffix == ".vtt" else ","), clock(5 * n + 4, "." if suffix == ".vtt" else ","),
             who, what) for n, (who, what) in enumerate(turns)]
    if suffix == ".vtt":
        return suffix, "WEBVTT\n\n" + "".join(f"{a} --> {b}\n<v {who}>{what}\n\n" for a, b, who, what in cues)
    return suffix, "".join(f"{n}\n{a} --> {b}\n{who}: {what}\n\n" for n, (a, b, who, what) in enumerate(cues, 1))


def test_the_pipeline_gives_a_strict_json_report_or_one_line(light_analyzer) -> None:
    from analyzer.report import render

    schema = json.loads(schema_file().read_text())

    @PIPELINE_SETTINGS
    @given(file=interview(), cut=st.one_of(st.none(), st.integers(0, 2000)))
    def check(file: tuple[str, str], cut: int | None) -> None:
        suffix, content = file
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"fuzz{suffix}"
            path.write_bytes(content.encode("utf-8")[:cut])
            try:
                report = light_analyzer.analyze(path)
            except InputError as error:
                assert_one_line(error)
                event(f"refused: {str(error).split(': ', 1)[-1][:24]}")
                return
            text = render(report, "json")
        event(f"report with {min(len(report.answers), 3)}+ answers")
        jsonschema.validate(json.loads(text, parse_constant=_no_constant), schema)
        render(report, "md")

    check()


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in a JSON report")
