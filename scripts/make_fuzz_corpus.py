"""Write the committed corpus of hostile inputs, tests/fuzz_corpus/ (#22, docs/robustness.md).

Every file is made here from a seeded random generator, so the corpus is rebuilt byte for byte:

    python scripts/make_fuzz_corpus.py            # rewrites tests/fuzz_corpus/ and its MANIFEST.tsv
    python scripts/make_fuzz_corpus.py --check    # exit 1 when the committed corpus differs from a rebuild

``MANIFEST.tsv`` lists each file with its class and the outcome the CLI must give: ``report`` (exit 0 for
it, a valid report), ``refused`` (one error line, exit 3) or ``any`` (either; random mutations, cuts).
tests/test_fuzz_corpus.py runs them all through one ``interview-analyzer analyze`` call.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import struct
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fuzz_corpus"
SEED = 22

TURNS = [
    ("Interviewer", "Tell me about a time you had to deal with a difficult stakeholder?"),
    ("Candidate", "I set up a call with her, and we wrote down what the first release had to do. "
                  "That stopped the changes. We shipped the refunds on time."),
    ("Interviewer", "Why do you want this role?"),
    ("Candidate", "Um, I like the product, you know, and the team builds tools people use every day."),
]
TIMES = [(0.0, 4.0), (4.5, 15.0), (15.5, 18.0), (18.5, 25.0)]


def clock(seconds: float, sep: str) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}{sep}{round(seconds % 1 * 1000):03d}"


def as_text(turns=TURNS) -> str:
    return "".join(f"{who}: {what}\n" for who, what in turns)


def as_srt(turns=TURNS, times=TIMES) -> str:
    return "".join(f"{n}\n{clock(a, ',')} --> {clock(b, ',')}\n{who}: {what}\n\n"
                   for n, ((who, what), (a, b)) in enumerate(zip(turns, times), 1))


def as_vtt(turns=TURNS, times=TIMES) -> str:
    return "WEBVTT\n\n" + "".join(f"{clock(a, '.')} --> {clock(b, '.')}\n<v {who}>{what}\n\n"
                                  for (who, what), (a, b) in zip(turns, times))


def own(turns=TURNS, times=TIMES, **extra) -> dict:
    return {"format": "interview-analyzer-transcript", "version": 1,
            "turns": [{"speaker": who, "text": what, "start": a, "end": b, "words": []}
                      for (who, what), (a, b) in zip(turns, times)], "silences": [], "audio": None, "asr": {}, **extra}


def segments(turns=TURNS, times=TIMES) -> list[dict]:
    return [{"id": n, "start": a, "end": b, "text": f" {what}", "speaker": who,
             "words": [{"word": f" {w}", "start": a, "end": b, "probability": 0.9} for w in what.split()]}
            for n, ((who, what), (a, b)) in enumerate(zip(turns, times))]


BASES = {
    "base.txt": as_text(),
    "base.srt": as_srt(),
    "base.vtt": as_vtt(),
    "base-own.json": json.dumps(own(), indent=1),
    "base-whisper.json": json.dumps({"text": "", "segments": segments()}, indent=1),
    "base-segments.json": json.dumps(segments()),
}


class Corpus:
    """Collects (name, bytes, class, expected outcome) and writes them with numbered, unique stems."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes, str, str]] = []

    def add(self, name: str, content: str | bytes, kind: str, expect: str) -> None:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        stem, _, ext = name.rpartition(".")
        self.items.append((f"{len(self.items) + 1:03d}-{stem}.{ext}", data, kind, expect))

    def write(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        rows = ["file\tclass\texpect"]
        for name, data, kind, expect in self.items:
            (folder / name).write_bytes(data)
            rows.append(f"{name}\t{kind}\t{expect}")
        (folder / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def bases_and_cuts(corpus: Corpus, rng: random.Random) -> None:
    for name, text in BASES.items():
        corpus.add(name, text, "valid", "report")
    for name, text in BASES.items():
        data = text.encode()
        for fraction in (0.02, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9):
            corpus.add(name.replace("base", f"cut{round(fraction * 100):02d}"), data[: int(len(data) * fraction)],
                       "truncation", "any")
        corpus.add(name.replace("base", "cut-last-byte"), data[:-1], "truncation", "any")


def bytes_and_encodings(corpus: Corpus, rng: random.Random) -> None:
    for name, text in BASES.items():
        data = text.encode()
        corpus.add(name.replace("base", "nul-start"), b"\x00" + data, "nul", "refused")
        middle = len(data) // 2
        corpus.add(name.replace("base", "nul-middle"), data[:middle] + b"\x00" + data[middle:], "nul", "refused")
    text = BASES["base.txt"]
    for codec, bom in [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-32-le", "\ufeff"),
                       ("utf-32-be", "\ufeff"), ("utf-8", "\ufeff")]:
        corpus.add(f"{codec}-bom.txt", (bom + text).encode(codec), "encoding", "report")
        corpus.add(f"{codec}-bom.vtt", (bom + BASES["base.vtt"]).encode(codec), "encoding", "report")
    corpus.add("utf-16-le-no-bom.txt", text.encode("utf-16-le"), "encoding", "refused")
    corpus.add("utf-32-as-utf-16.txt", b"\xff\xfe" + text.encode("utf-32-le"), "encoding", "refused")
    corpus.add("utf-16-odd-length.txt", (("\ufeff" + text).encode("utf-16-le"))[:-1], "encoding", "refused")
    corpus.add("latin-1.txt", "Interviewer: Caf\xe9?\nCandidate: Oui, caf\xe9.\n".encode("latin-1"), "encoding", "refused")
    corpus.add("cp1252-quotes.srt", as_srt().replace("I set", "\u201cI set").encode("cp1252"), "encoding", "refused")
    for ext in ("txt", "vtt", "srt", "json"):
        corpus.add(f"random-bytes.{ext}", rng.randbytes(2000), "binary", "refused")
        corpus.add(f"empty.{ext}", b"", "empty", "refused")
        corpus.add(f"whitespace.{ext}", " \n\t\r\n" * 10, "empty", "refused")


def invisible_and_line_endings(corpus: Corpus, rng: random.Random) -> None:
    for ext, char in [("txt", "\u200b"), ("vtt", "\u200b"), ("srt", "\u200c"), ("json", "\u200b"), ("txt", "\u2060")]:
        body = char * 500
        content = {"vtt": f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{body}\n",
                   "srt": f"1\n00:00:01,000 --> 00:00:02,000\n{body}\n",
                   "json": json.dumps(own(turns=[("Candidate", body)], times=[(0, 1)]))}.get(ext, body)
        corpus.add(f"only-zero-width-{ord(char):04x}.{ext}", content, "invisible", "refused")
    corpus.add("only-direction-marks.txt", "\u200f\u202e\u2066\u2069\u200e \n" * 40, "invisible", "refused")
    corpus.add("only-combining-marks.txt", "\u0301\u0308" * 300, "invisible", "refused")
    corpus.add("zero-width-in-labels.txt", as_text([(f"{w[0]}\u200b{w[1:]}", t) for w, t in TURNS]), "invisible", "any")
    corpus.add("rtl-override-answers.txt", as_text([(w, f"\u202e{t}\u202c") for w, t in TURNS]), "rtl", "report")
    corpus.add("arabic-answers.txt", as_text([(w, t if w == "Interviewer" else "مرحبا، أنا مهندس برمجيات وأحب هذا العمل كثيرا.")
                                             for w, t in TURNS]), "rtl", "any")
    corpus.add("hebrew-labels.vtt", as_vtt([("מראיין" if w == "Interviewer" else "מועמד", t) for w, t in TURNS]),
               "rtl", "any")
    corpus.add("bidi-isolates.srt", as_srt([(f"\u2066{w}\u2069", t) for w, t in TURNS]), "rtl", "any")
    corpus.add("bom-in-middle.txt", as_text().replace("Interviewer: Why", "\ufeffInterviewer: Why"), "invisible", "report")
    corpus.add("blank-answer-zero-width.txt", as_text([(w, "\u200b\u200b" if w == "Candidate" else t) for w, t in TURNS]),
               "invisible", "refused")
    for name, text in BASES.items():
        zwj = "".join(c + ("\u200d" if rng.random() < 0.3 else "") for c in text)
        corpus.add(name.replace("base", "zwj-sprinkled"), zwj, "invisible", "any")
    for name in ("base.txt", "base.vtt", "base.srt", "base-own.json"):
        text = BASES[name]
        corpus.add(name.replace("base", "cr-only"), text.replace("\n", "\r"), "line-endings", "report")
        corpus.add(name.replace("base", "crlf"), text.replace("\n", "\r\n"), "line-endings", "report")
        corpus.add(name.replace("base", "mixed-eol"), "".join(line + rng.choice(["\n", "\r\n", "\r"])
                                                                for line in text.split("\n")), "line-endings", "any")
    corpus.add("unicode-line-separators.txt", as_text().replace("\n", "\u2028"), "line-endings", "any")
    corpus.add("form-feeds.txt", as_text().replace("\n", "\n\f\v"), "line-endings", "report")
    corpus.add("ansi-escapes.txt", as_text([(w, f"\x1b[31m{t}\x1b[0m") for w, t in TURNS]), "control", "any")


def big_inputs(corpus: Corpus, rng: random.Random) -> None:
    corpus.add("one-megabyte-line.txt", "Interviewer: Why?\nCandidate: " + "and more " * 116_509 + "\n", "size", "refused")
    corpus.add("over-500k-characters.json", json.dumps(own(turns=[("Interviewer", "Why?"), ("Candidate", "x " * 300_000)],
                                                          times=[(0, 1), (1, 2)])), "size", "refused")
    corpus.add("100k-blank-lines.txt", "\n" * 50_000 + as_text() + "\r\n" * 50_000, "size", "report")
    corpus.add("100k-zero-width-lines.txt", "\u200b\n" * 100_000, "size", "refused")
    many = [(f"{n}\n{clock(n, ',')} --> {clock(n + 1, ',')}\nCandidate: ok\n\n") for n in range(1, 20_000)]
    corpus.add("20k-cues-last-reversed.srt", "".join(many) + "20000\n00:00:09,000 --> 00:00:01,000\nok\n", "size", "refused")
    cues = [f"{clock(n, '.')} --> {clock(n + 1, '.')}\nok\n\n" for n in range(10_000)]
    corpus.add("10k-cues-last-bad.vtt", "WEBVTT\n\n" + "".join(cues) + "00:00:xx.000 --> 00:00:01.000\nok\n",
               "size", "refused")
    corpus.add("1000-lines-and-more.txt", "Interviewer: Tell me about yourself?\nCandidate: " + "and more\n" * 1000,
               "size", "report")


def json_types_and_numbers(corpus: Corpus, rng: random.Random) -> None:
    good = own()
    wrong = {
        "turns-null": {"turns": [None]}, "turns-object": {"turns": {"speaker": "A"}}, "turns-string": {"turns": "hi"},
        "words-string": {"turns": [{"speaker": "A", "text": "hi", "words": "hello"}]},
        "words-null-items": {"turns": [{"speaker": "A", "text": "hi", "words": [None]}]},
        "start-char-string": {"turns": [{"speaker": "A", "text": "hi", "words": [{"text": "hi", "start_char": "a"}]}]},
        "start-char-negative": {"turns": [{"speaker": "A", "text": "hi", "words": [{"text": "hi", "start_char": -1}]}]},
        "offsets-outside-text": {"turns": [{"speaker": "A", "text": "hi", "words": [{"text": "hi", "start_char": 0,
                                                                                    "end_char": 99}]}]},
        "speaker-number": {"turns": [{"speaker": 7, "text": "hi"}]}, "text-list": {"turns": [{"speaker": "A", "text": ["hi"]}]},
        "text-missing": {"turns": [{"speaker": "A"}]}, "start-string": {"turns": [{"speaker": "A", "text": "hi", "start": "0"}]},
        "start-bool": {"turns": [{"speaker": "A", "text": "hi", "start": True}]},
        "audio-nulls": {"audio": {"path": None, "duration_s": None}}, "audio-string": {"audio": "x.wav"},
        "audio-negative-duration": {"audio": {"path": None, "duration_s": -3}},
        "silences-strings": {"silences": [["a", "b"]]}, "silences-triple": {"silences": [[1, 2, 3]]},
        "silences-reversed": {"silences": [[5, 1]]}, "asr-list": {"asr": [1, 2]}, "version-2": {"version": 2},
        "probability-over-one": {"turns": [{"speaker": "A", "text": "hi", "words": [{"text": "hi", "probability": 7}]}]},
    }
    for name, change in wrong.items():
        corpus.add(f"own-{name}.json", json.dumps({**good, **change}), "json-types", "refused")
    for name, data in [("segments-string", {"segments": "hi"}), ("segment-number", {"segments": [1, 2]}),
                       ("segment-words-string", {"segments": [{"text": "hi", "words": "hi"}]}),
                       ("segment-speaker-list", {"segments": [{"text": "hi", "speaker": ["A"]}]}),
                       ("top-level-string", "transcript"), ("top-level-number", 42), ("top-level-null", None),
                       ("empty-object", {}), ("empty-list", []), ("segments-empty", {"segments": []})]:
        corpus.add(f"whisper-{name}.json", json.dumps(data), "json-types", "refused")
    base = json.dumps(segments())
    for name, token in [("nan", "NaN"), ("infinity", "Infinity"), ("minus-infinity", "-Infinity"), ("1e999", "1e999"),
                        ("-1e999", "-1e999"), ("int-4301-digits", "1" * 4301), ("int-400-digits", "9" * 400),
                        ("negative", "-5"), ("absurd", "359999996400"), ("1e300", "1e300")]:
        corpus.add(f"time-{name}.json", base.replace('"start": 0.0', f'"start": {token}', 1), "json-numbers", "refused")
    corpus.add("duration-nan.json", json.dumps(own()).replace('"audio": null', '"audio": {"path": null, "duration_s": NaN}'),
               "json-numbers", "refused")
    corpus.add("probability-infinity.json", base.replace('"probability": 0.9', '"probability": Infinity', 1),
               "json-numbers", "refused")
    for name, escape in [("high", "\\ud800"), ("low", "\\udc00"), ("reversed-pair", "\\ude00\\ud83d")]:
        corpus.add(f"lone-surrogate-{name}.json", base.replace("That stopped", f"That {escape} stopped", 1),
                   "json-surrogates", "refused")
    corpus.add("lone-surrogate-key.json", base.replace('"speaker"', '"spea\\ud800ker"', 1), "json-surrogates", "refused")
    corpus.add("surrogate-pair-emoji.json", base.replace("That stopped", "That \\ud83d\\ude00 stopped", 1),
               "json-surrogates", "report")
    for depth in (62, 63, 1000, 10_000):  # as the value of "asr": {"x": ...}, 2 levels down: 62 reaches the limit, 64
        nested = "[" * depth + "]" * depth
        corpus.add(f"nested-{depth}.json", json.dumps(own()).replace('"asr": {}', f'"asr": {{"x": {nested}}}'),
                   "json-nesting", "report" if depth + 2 <= 64 else "refused")
    corpus.add("nested-bare-1000.json", "[" * 1000 + "]" * 1000, "json-nesting", "refused")
    corpus.add("nested-objects-1000.json", '{"a":' * 1000 + "1" + "}" * 1000, "json-nesting", "refused")


def subtitle_and_text_times(corpus: Corpus, rng: random.Random) -> None:
    srt, vtt = BASES["base.srt"], BASES["base.vtt"]
    cases = {
        "reversed": ("00:00:04,500 --> 00:00:15,000", "00:00:15,000 --> 00:00:04,500", "refused"),
        "negative": ("00:00:04,500 --> 00:00:15,000", "-00:00:04,500 --> 00:00:15,000", "refused"),
        "absurd-hours": ("00:00:04,500 --> 00:00:15,000", "99999999:00:04,500 --> 99999999:00:15,000", "refused"),
        "400-digit-hours": ("00:00:04,500 --> 00:00:15,000", "9" * 400 + ":00:04,500 --> 00:00:15,000", "refused"),
        "overlapping": ("00:00:04,500 --> 00:00:15,000", "00:00:02,000 --> 00:00:15,000", "report"),
        "out-of-order": ("00:00:15,500 --> 00:00:18,000", "00:00:01,500 --> 00:00:02,000", "report"),
        "zero-length": ("00:00:04,500 --> 00:00:15,000", "00:00:04,500 --> 00:00:04,500", "report"),
        "missing-arrow": ("00:00:04,500 --> 00:00:15,000", "00:00:04,500 00:00:15,000", "refused"),
        "letters-in-time": ("00:00:04,500 --> 00:00:15,000", "00:00:xx,500 --> 00:00:15,000", "refused"),
        "minutes-99": ("00:00:04,500 --> 00:00:15,000", "00:99:04,500 --> 00:99:15,000", "report"),
        "past-24-hours": ("00:00:04,500 --> 00:00:15,000", "25:00:04,500 --> 25:00:15,000", "refused"),
    }
    for name, (old, new, expect) in cases.items():
        corpus.add(f"srt-{name}.srt", srt.replace(old, new), "subtitle-times", expect)
        vtt_old, vtt_new = old.replace(",", "."), new.replace(",", ".")
        vtt_expect = "refused" if name in ("400-digit-hours", "minutes-99") else expect  # WebVTT: minutes below 60
        corpus.add(f"vtt-{name}.vtt", vtt.replace(vtt_old, vtt_new), "subtitle-times", vtt_expect)
    corpus.add("srt-garbage-20k.srt", "garbage " * 2_500, "subtitle-parse", "refused")
    corpus.add("srt-index-only.srt", "1\n2\n3\n", "subtitle-parse", "refused")
    corpus.add("vtt-no-header.vtt", vtt.replace("WEBVTT\n\n", ""), "subtitle-parse", "refused")
    corpus.add("vtt-arrow-in-text.vtt", vtt.replace("That stopped", "That --> stopped"), "subtitle-parse", "refused")
    corpus.add("srt-arrow-in-text.srt", srt.replace("That stopped", "That --> stopped"), "subtitle-parse", "report")
    corpus.add("srt-blank-line-missing.srt", srt.replace("time.\n\n3\n", "time.\n3\n"), "subtitle-parse", "report")
    corpus.add("vtt-stray-block.vtt", vtt.replace("\n\n00:00:15", "\n\nstray words\n\n00:00:15"), "subtitle-parse",
               "refused")
    corpus.add("vtt-empty-cues.vtt", "WEBVTT\n\n" + "00:00:01.000 --> 00:00:02.000\n\n" * 5, "subtitle-parse", "refused")
    corpus.add("vtt-tags-only.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<b></b><i></i>\n", "subtitle-parse", "refused")
    text = BASES["base.txt"].splitlines()
    for name, prefix, expect in [("negative", "[-1:00] ", "refused"), ("hours-123", "[123:00:00] ", "refused"),
                                 ("99-99-99", "[99:99:99] ", "refused"), ("plain", "[00:00:05] ", "report"),
                                 ("paren", "(00:05) ", "report"), ("letters", "[aa:bb] ", "any")]:
        corpus.add(f"text-time-{name}.txt", "\n".join([text[0], prefix + text[1], *text[2:]]) + "\n", "text-times", expect)
    corpus.add("text-times-backwards.txt", "[00:05:00] " + text[0] + "\n[00:01:00] " + text[1] + "\n", "text-times", "refused")
    corpus.add("labels-only.txt", "Interviewer:\nCandidate:\nInterviewer:\nCandidate:\n", "structure", "refused")
    corpus.add("questions-only.txt", "Interviewer: Why?\nInterviewer: How?\n", "structure", "refused")
    corpus.add("html-as-text.txt", "<html><body><p>Interviewer: Why?</p></body></html>\n", "structure", "any")
    corpus.add("long-label.txt", as_text([(w * 200, t) for w, t in TURNS]), "structure", "any")
    corpus.add("mid-answer-start.txt", "Interviewer: Mm-hm.\n" + "".join(f"{w}: {t}\n" for w, t in TURNS[1:]),
               "structure", "report")


def wav(samples: np.ndarray, rate: int = 16000, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.asarray(samples).astype("<i2").tobytes())
    return buffer.getvalue()


def patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    return data[:offset] + struct.pack(fmt, value) + data[offset + struct.calcsize(fmt):]


def audio(corpus: Corpus, rng: random.Random) -> None:
    noise = np.random.default_rng(SEED)
    tone = wav(np.sin(np.arange(8000) * 2 * np.pi * 220 / 16000) * 8000)
    corpus.add("one-ms-silence.wav", wav(np.zeros(16)), "audio", "refused")
    corpus.add("one-ms-noise.wav", wav(noise.standard_normal(16) * 3000), "audio", "refused")
    corpus.add("two-s-silence.wav", wav(np.zeros(32000)), "audio", "refused")
    corpus.add("stereo-silence.wav", wav(np.zeros(16000), channels=2), "audio", "refused")
    corpus.add("tone.wav", tone, "audio", "any")
    corpus.add("header-says-1gb.wav", patched(patched(tone, 40, "<I", 1_000_000_000), 4, "<I", 1_000_000_036), "audio-header", "any")
    corpus.add("header-says-0-bytes.wav", patched(tone, 40, "<I", 0), "audio-header", "any")
    corpus.add("header-says-4gb.wav", patched(tone, 40, "<I", 0xFFFFFFFF), "audio-header", "any")
    corpus.add("header-rate-0.wav", patched(tone, 24, "<I", 0), "audio-header", "refused")
    corpus.add("header-rate-1.wav", patched(tone, 24, "<I", 1), "audio-header", "any")
    corpus.add("header-rate-4g.wav", patched(tone, 24, "<I", 4_000_000_000), "audio-header", "refused")
    corpus.add("header-channels-0.wav", patched(tone, 22, "<H", 0), "audio-header", "refused")
    corpus.add("header-channels-9.wav", patched(tone, 22, "<H", 9), "audio-header", "any")
    corpus.add("header-bits-7.wav", patched(tone, 34, "<H", 7), "audio-header", "any")
    corpus.add("header-only.wav", tone[:44], "audio-header", "refused")
    corpus.add("header-cut.wav", tone[:30], "audio-header", "refused")
    corpus.add("empty.wav", b"", "audio", "refused")
    corpus.add("text-named.mp3", BASES["base.txt"], "audio", "refused")
    corpus.add("random-bytes.ogg", rng.randbytes(3000), "audio", "refused")
    sample = (ROOT / "sample_transcripts" / "weak_candidate_audio.ogg").read_bytes()
    corpus.add("ogg-first-2kb.ogg", sample[:2048], "audio", "any")
    corpus.add("ogg-header-only.ogg", sample[:200], "audio", "refused")


def mutations(corpus: Corpus, rng: random.Random, count: int = 40) -> None:
    names = sorted(BASES)
    for n in range(count):
        name = names[n % len(names)]
        data = bytearray(BASES[name].encode())
        for _ in range(rng.randint(1, 6)):
            where = rng.randrange(len(data))
            operation = rng.choice(["flip", "insert", "delete", "duplicate"])
            if operation == "flip":
                data[where] ^= 1 << rng.randrange(8)
            elif operation == "insert":
                data[where:where] = rng.randbytes(rng.randint(1, 4))
            elif operation == "delete":
                del data[where:where + rng.randint(1, 20)]
            else:
                data[where:where] = data[max(0, where - 40):where]
        corpus.add(name.replace("base", f"mutant{n:02d}"), bytes(data), "mutation", "any")


def build() -> Corpus:
    rng = random.Random(SEED)
    corpus = Corpus()
    for part in (bases_and_cuts, bytes_and_encodings, invisible_and_line_endings, big_inputs, json_types_and_numbers,
                 subtitle_and_text_times, audio, mutations):
        part(corpus, rng)
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a rebuild with the committed corpus")
    args = parser.parse_args()
    corpus = build()
    if not args.check:
        corpus.write(CORPUS)
        size = sum(len(data) for _, data, _, _ in corpus.items)
        print(f"wrote {len(corpus.items)} files ({size / 1e6:.1f} MB) to {CORPUS.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        corpus.write(Path(folder) / "c")
        differ = [p.name for p in sorted((Path(folder) / "c").iterdir())
                  if not (CORPUS / p.name).exists() or (CORPUS / p.name).read_bytes() != p.read_bytes()]
    extra = {p.name for p in CORPUS.iterdir()} - {name for name, *_ in corpus.items} - {"MANIFEST.tsv"}
    if differ or extra:
        print(f"corpus differs from a rebuild: {sorted(differ + list(extra))[:5]}")
        return 1
    print(f"corpus matches a rebuild ({len(corpus.items)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
