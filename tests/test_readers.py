"""Every reader, including malformed inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.pipeline import read_input
from analyzer.readers.json_transcript import parse_json, transcript_to_json
from analyzer.readers.text import parse_text


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_text_role_labels_and_continuation_lines():
    t = parse_text("Interviewer: Tell me about yourself.\nCandidate: I build things.\nMostly web apps.\n\nInterviewer: Why?\n")
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "Tell me about yourself."),
        ("Candidate", "I build things. Mostly web apps."),
        ("Interviewer", "Why?"),
    ]


def test_text_q_a_labels():
    t = parse_text("Q: What is your notice period?\nA: Four weeks.\n")
    assert [x.speaker for x in t.turns] == ["Q", "A"]


def test_text_personal_names_and_timestamps():
    text = (
        "[00:00:05] Jane Doe: What drew you to this role?\n"
        "[00:00:09] John Smith: The product.\n"
        "[00:01:23] Jane Doe: Tell me more.\n"
        "[00:01:25] John Smith: I use it daily.\n"
    )
    t = parse_text(text)
    assert [x.speaker for x in t.turns] == ["Jane Doe", "John Smith", "Jane Doe", "John Smith"]
    assert t.turns[0].start == 5.0 and t.turns[0].end == 9.0
    assert t.turns[2].start == 83.0


def test_text_label_inside_an_answer_is_not_a_speaker():
    text = "Interviewer: What happened?\nCandidate: We shipped late.\nResult: we lost the client.\nInterviewer: Okay.\n"
    t = parse_text(text)
    assert [x.speaker for x in t.turns] == ["Interviewer", "Candidate", "Interviewer"]
    assert t.turns[1].text == "We shipped late. Result: we lost the client."


def test_text_otter_style_label_lines():
    text = "Jane Doe  0:05\nWhy this company?\n\nSam Lee  0:09\nBecause of the mission.\n\nJane Doe  0:20\nGreat.\n"
    t = parse_text(text)
    assert [(x.speaker, x.text, x.start) for x in t.turns] == [
        ("Jane Doe", "Why this company?", 5.0),
        ("Sam Lee", "Because of the mission.", 9.0),
        ("Jane Doe", "Great.", 20.0),
    ]


def test_text_without_labels_is_self_practice_with_paragraph_turns():
    t = parse_text("First paragraph here.\nstill first.\n\nSecond paragraph.\n")
    assert [(x.speaker, x.text) for x in t.turns] == [("Speaker", "First paragraph here. still first."), ("Speaker", "Second paragraph.")]


def test_vtt_voice_tags(tmp_path: Path):
    path = write(tmp_path, "s.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann Lee>Why Python?</v>\n\n"
                 "00:00:03.000 --> 00:00:06.500\n<v Bob Ray>It is readable.\n\n00:00:06.500 --> 00:00:08.000\n<v Bob Ray>And fast to write.\n")
    t = read_input(path).transcript
    assert [(x.speaker, x.text, x.start, x.end) for x in t.turns] == [
        ("Ann Lee", "Why Python?", 1.0, 3.0),
        ("Bob Ray", "It is readable. And fast to write.", 3.0, 8.0),
    ]


def test_vtt_zoom_style_name_prefix(tmp_path: Path):
    path = write(tmp_path, "z.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nAnn Lee: Why Python?\n\n"
                 "2\n00:00:03.000 --> 00:00:06.000\nBob Ray: It is readable.\n")
    t = read_input(path).transcript
    assert [x.speaker for x in t.turns] == ["Ann Lee", "Bob Ray"]


def test_malformed_vtt(tmp_path: Path):
    with pytest.raises(InputError, match="not a valid WebVTT"):
        read_input(write(tmp_path, "bad.vtt", "this is not webvtt\n"))


def test_srt(tmp_path: Path):
    path = write(tmp_path, "s.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Why?\n\n2\n00:00:02,500 --> 00:00:04,000\nCandidate: Because.\n")
    t = read_input(path).transcript
    assert [(x.speaker, x.text, x.start) for x in t.turns] == [("Interviewer", "Why?", 1.0), ("Candidate", "Because.", 2.5)]


def test_malformed_srt(tmp_path: Path):
    with pytest.raises(InputError, match="SRT"):
        read_input(write(tmp_path, "bad.srt", "1\nnot a timestamp\nhello\n"))


def test_openai_whisper_json_words_get_offsets():
    data = {"text": " Hello there. Um, yes.", "segments": [
        {"start": 0.0, "end": 1.2, "text": " Hello there.", "words": [
            {"word": " Hello", "start": 0.0, "end": 0.5, "probability": 0.9},
            {"word": " there.", "start": 0.5, "end": 1.2, "probability": 0.8}]},
        {"start": 1.5, "end": 2.5, "text": " Um, yes.", "words": [
            {"word": " Um,", "start": 1.5, "end": 1.8, "probability": 0.7},
            {"word": " yes.", "start": 2.0, "end": 2.5, "probability": 0.9}]}]}
    t = parse_json(json.dumps(data), "w.json")
    assert len(t.turns) == 1 and t.turns[0].text == "Hello there. Um, yes."
    words = t.turns[0].words
    assert [t.turns[0].text[w.start_char:w.end_char] for w in words] == ["Hello", "there.", "Um,", "yes."]
    assert words[2].start == 1.5


def test_faster_whisper_segment_list_with_speakers():
    data = [{"start": 0, "end": 1, "text": " Why?", "speaker": "SPEAKER_00"},
            {"start": 1, "end": 3, "text": " Because.", "speaker": "SPEAKER_01"}]
    t = parse_json(json.dumps(data), "f.json")
    assert [x.speaker for x in t.turns] == ["SPEAKER_00", "SPEAKER_01"]


def test_own_json_round_trip():
    t = parse_text("Interviewer: Why?\nCandidate: Because.\n")
    again = parse_json(json.dumps(transcript_to_json(t)), "own.json")
    assert [(x.speaker, x.text) for x in again.turns] == [(x.speaker, x.text) for x in t.turns]
    assert again.speech == []
    t.speech = [(0.0, 1.0, "Interviewer"), (1.2, 3.0, "Candidate")]
    assert parse_json(json.dumps(transcript_to_json(t)), "own.json").speech == t.speech


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON"),
    ('{"foo": 1}', "unrecognised JSON"),
    ('{"segments": [1, 2]}', r"segments\[0\] must be an object, not an integer"),
    ('{"segments": []}', "no speech"),
])
def test_malformed_json(tmp_path: Path, content: str, message: str):
    with pytest.raises(InputError, match=message):
        read_input(write(tmp_path, "x.json", content))


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", "", "file is empty"),
    ("blank.txt", "  \n\n ", "file is empty"),
    ("binary.txt", b"\x00\x01\x02garbage\xff", "binary"),
    ("latin1.txt", "Interviewer: Caf\xe9?\n".encode("latin-1"), "not UTF-8"),
    ("utf16.txt", b"\xff\xfeI\x00:\x00 \x00\x00\xd8", "not valid UTF-16"),
    ("utf16-blank.txt", " \n".encode("utf-16"), "file is empty"),
    ("notes.docx", "x", "unsupported file type .docx"),
])
def test_bad_files(tmp_path: Path, name: str, content, message: str):
    with pytest.raises(InputError, match=message):
        read_input(write(tmp_path, name, content))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_saved_as_windows_unicode_or_with_a_bom_is_read(tmp_path: Path, encoding: str):
    content = "Interviewer: Why this café?\nCandidate: Because I like it.\n"
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    turns = read_input(write(tmp_path, "notepad.txt", data)).transcript.turns
    assert [(t.speaker, t.text) for t in turns] == [("Interviewer", "Why this café?"), ("Candidate", "Because I like it.")]


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_input(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_input(tmp_path)


def test_utf8_bom_is_accepted(tmp_path: Path):
    path = write(tmp_path, "bom.txt", "\ufeffInterviewer: Why?\nCandidate: Because.\n".encode("utf-8"))
    assert read_input(path).transcript.turns[0].speaker == "Interviewer"


# Hostile inputs (#22): each is refused in one short line naming the problem, or read correctly.

OWN = {"format": "interview-analyzer-transcript", "version": 1}


def own(**fields) -> str:
    return json.dumps({**OWN, **fields})


@pytest.mark.parametrize("content, message", [
    (own(turns=[None]), r"turns\[0\] must be an object, not null"),
    (own(turns=[{"speaker": "A", "text": "hi", "words": "hello"}]), r"turns\[0\]\.words must be an array, not a string"),
    (own(turns=[{"speaker": "A", "text": "hi", "words": [{"text": "hi", "start_char": "a"}]}]),
     r"start_char must be an integer or null, not a string"),
    (own(turns=[{"speaker": "A", "text": "hi"}], audio={"path": None, "duration_s": None}),
     r"audio\.duration_s must be a number, not null"),
    (own(turns=[{"speaker": "A"}]), r"turns\[0\] lacks the key 'text'"),
    (own(turns=[{"speaker": "A", "text": "hi", "words": [{"text": "hi", "start_char": 0, "end_char": 9}]}]),
     r"characters 0-9 are not inside the turn's text"),
    (own(turns=[{"speaker": "A", "text": "hi", "start": -1}]), r"turns\[0\]\.start must be at least 0"),
    (own(turns=[{"speaker": "A", "text": "hi", "start": 5, "end": 1}]), r"turns\[0\]: ends at 1 s, before it starts at 5 s"),
    (own(turns=[{"speaker": "A", "text": "hi", "start": 360000000}]), r"must be at most 86400"),
    (own(turns=[{"speaker": "A", "text": "hi"}], silences=[[3, 1]]), r"silences\[0\]: ends at 1 s"),
    (own(turns=[{"speaker": "A", "text": "hi"}], speech=[[3, 1, "A"]]), r"speech\[0\]: ends at 1 s"),
    (own(turns=[{"speaker": "A", "text": "hi"}], speech=[[0, 1]]), r"speech\[0\]"),
    (own(turns=[{"speaker": "A", "text": "hi"}], speech=[[0, 1, 2]]), r"speech\[0\]\[2\] must be a string"),
    ('{"segments": [{"text": "hi", "start": ' + "1" * 4301 + "}]}", "an integer of 4,301 digits is too large"),
    ('{"segments": [{"text": "hi \\ud800"}]}', r"lone surrogate escape \\ud800"),
    ("[" * 1000 + "]" * 1000, "nested deeper than 64 levels"),
    ("[" * 70 + "]" * 70, "nested deeper than 64 levels"),
    ('{"segments": [{"text": "hi", "start": NaN}]}', "NaN is not a JSON number"),
    ('{"segments": [{"text": "hi", "end": Infinity}]}', "Infinity is not a JSON number"),
    ('{"segments": [{"text": "hi", "end": 1e999}]}', "'1e999' is too large a number"),
    ('{"segments": [{"text": "hi", "start": true}]}', r"segments\[0\]\.start must be a number or null, not a boolean"),
    ('[{"text": "\\u200b\\u200b"}]', "no speech"),
])
def test_json_transcripts_with_wrong_types_or_numbers_are_refused_in_one_line(content: str, message: str):
    with pytest.raises(InputError, match=message) as refused:
        parse_json(content, "x.json")
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


def test_json_keys_the_schema_does_not_name_are_ignored():
    data = [{"id": 0, "seek": 0, "tokens": [1, 2], "text": " Why?", "start": 0, "end": 1.5, "speaker": 0}]
    assert [(t.speaker, t.text, t.end) for t in parse_json(json.dumps(data), "x.json").turns] == [("0", "Why?", 1.5)]


def test_the_schema_and_the_reader_agree_on_the_latest_time():
    from analyzer.readers.json_transcript import SCHEMA_PATH
    from analyzer.readers.limits import MAX_TIME_S

    assert json.loads(SCHEMA_PATH.read_text())["$defs"]["time"]["maximum"] == MAX_TIME_S


@pytest.mark.parametrize("name, content, message", [
    ("huge.srt", "1\n" + "9" * 400 + ":00:00,000 --> 00:00:01,000\nCandidate: hi\n", "a subtitle time too large"),
    ("reversed.srt", "1\n00:00:05,000 --> 00:00:01,000\nCandidate: hi\n", "cue 1: ends at 1 s, before it starts at 5 s"),
    ("negative.srt", "1\n-00:00:05,000 --> 00:00:06,000\nCandidate: hi\n", r"line 2: cue timing '-00:00:05,000 --> "),
    ("negative-second.srt", "1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\n-00:00:05,000 --> 00:00:06,000\nB: hi\n",
     "line 6: cue timing '-00:00:05,000 --> 00:00:06,000' is not valid"),
    ("letters.srt", "1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\n00:00:xx,000 --> 00:00:06,000\nB: hi\n",
     "line 6: cue timing"),
    ("arrow-in-text.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi --> there\n", "'-->' inside cue text"),
    ("stray.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi\n\nstray words\n\n00:00:03.000 --> 00:00:04.000\nB: ok\n",
     r"line 6: text outside any cue \('stray words'\)"),
    ("minutes-99.vtt", "WEBVTT\n\n00:99:01.000 --> 00:99:02.000\nA: hi\n", r"line 3: cue timing '00:99:01.000"),
    ("hours-400.vtt", "WEBVTT\n\n" + "9" * 400 + ":00:01.000 --> 00:00:02.000\nA: hi\n", "line 3: cue timing"),
    ("absurd.srt", "1\n99999999:00:00,000 --> 99999999:00:01,000\nCandidate: hi\n", "past the limit of 86400 s"),
    ("garbage.srt", "garbage " * 5000, r"line 1: cannot read 'garbage garbage"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: Why?\n\n00:00:xx.000 --> 00:00:03.000\n"
     "Candidate: Because.\n", r"line 6: cue timing '00:00:xx.000 --> 00:00:03.000' is not valid"),
    ("reversed.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nCandidate: hi\n", "cue 1: ends at 1 s"),
    ("absurd.vtt", "WEBVTT\n\n1234567890:00:01.000 --> 1234567890:00:02.000\nCandidate: hi\n", "past the limit"),
    ("negative.txt", "Interviewer: Why?\n[-1:00] Candidate: Because.\n", r"line 2: '\[-1:00\]' is not a time"),
    ("backwards.txt", "[00:05:00] Interviewer: Why?\n[00:01:00] Candidate: Because.\n",
     r"timestamps go backwards \(00:01:00 after 00:05:00\)"),
    ("zero-width.txt", "\u200b" * 300, r"file is empty \(only invisible characters\)"),
    ("rtl-marks.txt", "\u200f\u202e\u2066 \n" * 50, "file is empty"),
    ("nul.txt", "Interviewer: Why?\n" * 400 + "Candidate: \x00Because.\n", "a NUL byte at offset 7211"),
    ("too-long.txt", "Interviewer: Why?\nCandidate: " + "word " * 100_001, "over the limit of 500,000"),
])
def test_subtitles_and_text_with_bad_times_or_no_text_are_refused_in_one_line(tmp_path: Path, name: str,
                                                                              content: str, message: str):
    with pytest.raises(InputError, match=message) as refused:
        read_input(write(tmp_path, name, content))
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 250


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_read_as_utf32(tmp_path: Path, encoding: str):
    content = "Interviewer: Why this café?\nCandidate: Because I like it.\n"
    data = content.encode(encoding)
    if encoding != "utf-32":
        data = ("\ufeff".encode(encoding)) + data
    turns = read_input(write(tmp_path, "u32.txt", data)).transcript.turns
    assert [(t.speaker, t.text) for t in turns] == [("Interviewer", "Why this café?"), ("Candidate", "Because I like it.")]


def test_utf16_marked_file_holding_nul_characters_is_refused(tmp_path: Path):
    data = b"\xff\xfe" + "Interviewer: Why?".encode("utf-32-le")
    with pytest.raises(InputError, match="marked as UTF-16 but holds NUL characters"):
        read_input(write(tmp_path, "odd.txt", data))


def test_vtt_cue_times_keep_their_milliseconds(tmp_path: Path):
    path = write(tmp_path, "ms.vtt", "WEBVTT\n\n00:00:01.500 --> 00:00:02.250\n<v Ann>Why?\n\n"
                 "00:00:02.750 --> 00:01:03.125\n<v Bob>Because.\n")
    assert [(t.start, t.end) for t in read_input(path).transcript.turns] == [(1.5, 2.25), (2.75, 63.125)]


@pytest.mark.parametrize("name, content", [
    ("cr.srt", "1\r00:00:01,000 --> 00:00:02,000\rInterviewer: Why?\r\r2\r00:00:03,000 --> 00:00:04,000\rCandidate: Hm.\r"),
    ("cr.vtt", "WEBVTT\r\r00:00:01.000 --> 00:00:02.000\rInterviewer: Why?\r\r00:00:03.000 --> 00:00:04.000\rCandidate: Hm.\r"),
    ("crlf.srt", "1\r\n00:00:01,000 --> 00:00:02,000\r\nInterviewer: Why?\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n"
                 "Candidate: Hm.\r\n"),
    ("arrow.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Why?\n\n2\n00:00:03,000 --> 00:00:04,000\nCandidate: Hm.\n"),
])
def test_subtitles_with_any_line_ends_are_read(tmp_path: Path, name: str, content: str):
    turns = read_input(write(tmp_path, name, content)).transcript.turns
    assert [(t.speaker, t.text, t.start) for t in turns] == [("Interviewer", "Why?", 1.0), ("Candidate", "Hm.", 3.0)]


def test_a_transcript_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("analyzer.readers.common.MAX_FILE_BYTES", 2**20)
    with pytest.raises(InputError, match="a transcript file of 2 MB is over the limit of 1 MB"):
        read_input(write(tmp_path, "big.txt", b"x" * 2**21))


def test_an_arrow_in_srt_text_is_text(tmp_path: Path):
    path = write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nCandidate: from A --> B\n")
    assert read_input(path).transcript.turns[0].text == "from A --> B"


def test_overlapping_cues_are_read(tmp_path: Path):
    path = write(tmp_path, "o.srt", "1\n00:00:01,000 --> 00:00:05,000\nInterviewer: Why?\n\n"
                 "2\n00:00:03,000 --> 00:00:06,000\nCandidate: Because.\n")
    assert [t.start for t in read_input(path).transcript.turns] == [1.0, 3.0]


def test_many_lines_of_one_speaker_merge_into_one_turn(tmp_path: Path):
    text = "Interviewer: Why?\n" + "Candidate: and more\n" * 2000 + "and the end\n" * 2000
    turns = read_input(write(tmp_path, "many.txt", text)).transcript.turns
    assert turns[1].text == " ".join(["and more"] * 2000 + ["and the end"] * 2000)
