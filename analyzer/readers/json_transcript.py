"""JSON transcripts: the project's own format and openai-whisper / faster-whisper output.

Own format (written by ``interview-analyzer transcribe --format json``)::

    {"format": "interview-analyzer-transcript", "version": 1,
     "turns": [{"speaker": "Interviewer", "text": "...", "start": 0.0, "end": 4.2,
                "words": [{"text": "Tell", "start": 0.1, "end": 0.3}, ...]}],
     "silences": [[12.1, 14.6]], "speech": [[0.1, 4.2, "Speaker 1"]], "audio": {...}, "asr": {...}}

(``speech``, optional: who spoke when as the voice diarization heard it, ``Transcript.speech``.)

Whisper output: ``{"text": ..., "segments": [{"start", "end", "text", "words": [{"word",
"start", "end", "probability"}]}]}`` (openai-whisper ``--output_format json``), or a bare list
of such segments (faster-whisper segments dumped as dicts); a ``speaker`` key per segment
(WhisperX style) is honoured.

Both are described by ``analyzer/readers/schema/transcript.schema.json`` and validated against it;
numbers JSON does not allow (``NaN``, ``Infinity``, ``1e999``, integers of hundreds of digits),
lone surrogate escapes and nesting deeper than :data:`MAX_DEPTH` are refused before that, each
with a one-line :class:`InputError` (docs/robustness.md).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyzer.datamodel import AudioInfo, Transcript, Turn, Word
from analyzer.errors import InputError
from analyzer.readers.common import merge_same_speaker, read_text_file
from analyzer.readers.limits import check_interval, check_transcript, excerpt

FORMAT_NAME = "interview-analyzer-transcript"
SINGLE_SPEAKER = "Speaker 1"
SCHEMA_PATH = Path(__file__).with_name("schema") / "transcript.schema.json"
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (a transcript needs 5)."""
MAX_INT_DIGITS = 30
_SURROGATE = re.compile("[\ud800-\udfff]")


class _BadNumber(ValueError):
    """A number JSON (RFC 8259) does not allow, or too large to be a time or a count."""


def _constant(name: str) -> float:
    raise _BadNumber(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"{excerpt(text, 20)} is too large a number")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadNumber(f"an integer of {len(text.lstrip('-')):,} digits is too large")
    return int(text)


def load_json(text: str, source: str) -> Any:
    """Parse ``text`` as JSON with finite numbers, no lone surrogates and at most :data:`MAX_DEPTH` levels."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except _BadNumber as exc:
        raise InputError(f"{source}: invalid JSON ({exc})") from None
    except RecursionError:
        raise InputError(f"{source}: invalid JSON (nested deeper than {MAX_DEPTH} levels)") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_string(value, source)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise InputError(f"{source}: invalid JSON (nested deeper than {MAX_DEPTH} levels)")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_string(key, source)
                stack.append((item, depth + 1))
    return data


def _check_string(value: str, source: str) -> None:
    if not value.isascii() and (match := _SURROGATE.search(value)):
        raise InputError(f"{source}: invalid JSON (a lone surrogate escape \\u{ord(match.group()):04x} is not text)")


@lru_cache(maxsize=None)
def _validator(kind: str):
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})


def validate(data: Any, kind: str, source: str) -> None:
    """Check ``data`` against the ``kind`` definition of the transcript schema; one line naming the first problem."""
    error = next(_validator(kind).iter_errors(data), None)
    if error is not None:
        where = error.json_path.replace("$", "", 1).lstrip(".") or "the document"
        raise InputError(f"{source}: malformed JSON transcript: {where} {_problem(error)}")


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
               float: "a number", type(None): "null"}
_SCHEMA_TYPES = {"object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean",
                 "integer": "an integer", "number": "a number"}


def _problem(error: Any) -> str:
    """A schema error in a few words, quoting at most a short excerpt of the input."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_SCHEMA_TYPES.get(name, name) for name in names)
        return f"must be {wanted}, not {_JSON_TYPES.get(type(value), 'that')}"
    if kind == "required":
        missing = next((key for key in expected if isinstance(value, dict) and key not in value), expected[0])
        return f"lacks the key {missing!r}"
    if kind in ("minimum", "maximum"):
        return f"must be {'at least' if kind == 'minimum' else 'at most'} {expected:g}, not {excerpt(repr(value), 24)}"
    if kind == "const":
        return f"must be {json.dumps(expected)}"
    if kind in ("minItems", "maxItems"):
        return f"must have {'at least' if kind == 'minItems' else 'at most'} {expected} items"
    return excerpt(error.message, 80)


def _speaker(value: Any, default: str) -> str:
    return default if value is None or value == "" else str(value)


def _words_with_offsets(raw_words: list[dict[str, Any]], where: str, source: str) -> tuple[str, list[Word]]:
    """Whisper words carry their leading space: rebuild the text and each word's offsets."""
    parts: list[str] = []
    size = 0
    words: list[Word] = []
    for index, raw in enumerate(raw_words):
        stripped = str(raw.get("word", raw.get("text", ""))).strip()
        if not stripped:
            continue
        if parts:
            parts.append(" ")
            size += 1
        start, end = check_interval(raw.get("start"), raw.get("end"), f"{where}.words[{index}]", source)
        speaker = raw.get("speaker")
        words.append(Word(text=stripped, start=start, end=end, probability=raw.get("probability"),
                          speaker=None if speaker is None else str(speaker), start_char=size, end_char=size + len(stripped)))
        parts.append(stripped)
        size += len(stripped)
    return "".join(parts), words


def _from_segments(segments: list[dict[str, Any]], source: str) -> Transcript:
    turns: list[Turn] = []
    for index, seg in enumerate(segments):
        where = f"segments[{index}]"
        start, end = check_interval(seg.get("start"), seg.get("end"), where, source)
        raw_words = seg.get("words") or []
        if raw_words:
            text, words = _words_with_offsets(raw_words, where, source)
        else:
            text, words = " ".join(str(seg.get("text", "")).split()), []
        if text:
            turns.append(Turn(speaker=_speaker(seg.get("speaker"), SINGLE_SPEAKER), text=text, start=start, end=end,
                              words=words))
    return Transcript(turns=merge_same_speaker(turns), source=source, format="whisper-json")


def _own_word(raw: dict[str, Any], text: str, where: str, source: str) -> Word:
    start, end = check_interval(raw.get("start"), raw.get("end"), where, source)
    start_char, end_char = raw.get("start_char"), raw.get("end_char")
    if start_char is not None and end_char is not None and not start_char <= end_char <= len(text):
        raise InputError(f"{source}: {where}: characters {start_char}-{end_char} are not inside the turn's text "
                         f"({len(text)} characters)")
    speaker = raw.get("speaker")
    return Word(text=raw["text"], start=start, end=end, probability=raw.get("probability"),
                speaker=None if speaker is None else str(speaker), start_char=start_char, end_char=end_char)


def _from_own(data: dict[str, Any], source: str) -> Transcript:
    turns = []
    for index, raw in enumerate(data["turns"]):
        where = f"turns[{index}]"
        start, end = check_interval(raw.get("start"), raw.get("end"), where, source)
        words = [_own_word(w, raw["text"], f"{where}.words[{n}]", source) for n, w in enumerate(raw.get("words", []))]
        turns.append(Turn(speaker=raw["speaker"], text=raw["text"], start=start, end=end, words=words))
    silences = []
    for index, (begin, finish) in enumerate(data.get("silences", [])):
        begin, finish = check_interval(begin, finish, f"silences[{index}]", source)
        silences.append((float(begin), float(finish)))
    speech = []
    for index, (begin, finish, speaker) in enumerate(data.get("speech", [])):
        begin, finish = check_interval(begin, finish, f"speech[{index}]", source)
        speech.append((float(begin), float(finish), speaker))
    audio = data.get("audio")
    return Transcript(
        turns=turns,
        source=source,
        format="json",
        audio=AudioInfo(path=audio.get("path"), duration_s=float(audio["duration_s"]),
                        sample_rate=audio.get("sample_rate", 16000), channels=audio.get("channels", 1),
                        sha256=audio.get("sha256")) if audio else None,
        silences=silences,
        speech=speech,
        asr=dict(data.get("asr") or {}),
    )


def parse_json(text: str, source: str) -> Transcript:
    """A transcript from JSON text, or a one-line :class:`InputError` naming the first problem."""
    data = load_json(text, source)
    if isinstance(data, dict) and data.get("format") == FORMAT_NAME:
        validate(data, "own", source)
        transcript = _from_own(data, source)
    elif isinstance(data, dict) and isinstance(data.get("segments"), list):
        validate(data, "whisper", source)
        transcript = _from_segments(data["segments"], source)
    elif isinstance(data, list):
        validate(data, "segments", source)
        transcript = _from_segments(data, source)
    else:
        raise InputError(
            f"{source}: unrecognised JSON transcript; expected this tool's transcript JSON "
            "or Whisper output with a 'segments' list"
        )
    return check_transcript(transcript, source)


def read(path: Path) -> Transcript:
    return parse_json(read_text_file(path), str(path))


def transcript_to_json(transcript: Transcript) -> dict[str, Any]:
    """The project's own transcript JSON (read back by :func:`parse_json`)."""
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "turns": [
            {
                "speaker": t.speaker,
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "words": [asdict(w) for w in t.words],
            }
            for t in transcript.turns
        ],
        "silences": [list(s) for s in transcript.silences],
        **({"speech": [list(s) for s in transcript.speech]} if transcript.speech else {}),
        "audio": asdict(transcript.audio) if transcript.audio else None,
        "asr": transcript.asr,
    }
