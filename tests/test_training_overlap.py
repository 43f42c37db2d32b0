"""Honest tests: no test string and no sample-transcript sentence may come from a model's training data.

A test that checks a sentence the model was trained on measures memory, not the model. Training text is
every text field of ``models/*.jsonl`` and ``models/*.tsv`` and the transcripts of
``models/fillers_synthetic.txt`` (filler marks removed). Texts are compared after normalisation (lower
case, letters and digits only, single spaces); a test sentence of five words or more collides when it
occurs anywhere in a training text.

Interviewer questions ("Why did you leave your last job?", "Tell me about a time ...") are left out: they
are the shared wording of the domain, the same few dozen in every source, and no model here is trained on
them as what it scores (a question is the context of the answer that is scored).
"""

from __future__ import annotations

import ast
import csv
import json
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
MIN_WORDS = 5
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_FILLER_MARK = re.compile(r"⟨([^|⟩]*)\|[A-Z]⟩")
_QUESTION = re.compile(r"(\?\s*$)|^(tell|describe|walk|talk|give) (me|us)?\b", re.I)
_SUBTITLE_NOISE = re.compile(r"^(WEBVTT.*|\d+|[\d:.,]+ --> [\d:.,]+.*|NOTE.*)$")


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", "")))


def training_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(MODELS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                texts += [v for k, v in item.items() if isinstance(v, str) and k == "text"]
    for path in sorted(MODELS.glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            rows = [r for r in csv.reader(handle, delimiter="\t") if r and not r[0].startswith("#")]
        if rows and "text" in rows[0]:
            column = rows[0].index("text")
            texts += [r[column] for r in rows[1:] if len(r) > column]
    synthetic = (MODELS / "fillers_synthetic.txt").read_text(encoding="utf-8")
    texts += [_FILLER_MARK.sub(r"\1", line) for line in synthetic.splitlines() if line and not line.startswith("#")]
    return texts


@lru_cache(maxsize=1)
def training_corpus() -> str:
    return " " + "  ".join(normalise(t) for t in training_texts()) + " "


def sentences(text: str) -> list[str]:
    found = [s.strip() for s in _SENTENCE.findall(text)]
    return [s for s in found if len(normalise(s).split()) >= MIN_WORDS and not _QUESTION.search(s)]


def collisions(candidates: list[str]) -> list[str]:
    corpus = training_corpus()
    found = []
    for text in candidates:
        for sentence in sentences(text):
            if f" {normalise(sentence)} " in corpus:
                found.append(sentence)
    return sorted(set(found))


def string_literals_of_tests() -> list[str]:
    """Every string constant in the test modules (and their helpers), except this module's own."""
    strings = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.append(node.value)
    return strings


def json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in json_strings(item)] if isinstance(value, list) else []


def sample_transcript_lines() -> list[str]:
    lines = []
    for path in sorted((ROOT / "sample_transcripts").iterdir()):
        if path.suffix == ".json":  # the spoken text of the sample recordings
            lines += json_strings(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix in (".txt", ".vtt", ".srt"):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = re.sub(r"<[^>]+>", "", line).strip()
                if line and not _SUBTITLE_NOISE.match(line):
                    lines.append(re.sub(r"^\[?[\d:]+\]?\s*|^[A-Z][\w .'-]{0,40}:\s*", "", line))
    return lines


def test_the_training_corpus_is_read():
    corpus = training_corpus()
    assert "last year i was a backend developer at a logistics startup" in corpus  # star_sentences.jsonl
    assert len(training_texts()) > 1500


def test_the_check_catches_a_copied_sentence():
    copied = json.loads((MODELS / "negativity_examples.jsonl").read_text(encoding="utf-8").splitlines()[3])["text"]
    assert collisions([copied.upper()]) != []
    assert collisions(["A sentence written for this test alone, about a quiet lighthouse keeper."]) == []


def test_no_test_string_occurs_in_training_data():
    assert collisions(string_literals_of_tests()) == []


def test_no_sample_transcript_sentence_occurs_in_training_data():
    assert collisions(sample_transcript_lines()) == []


def test_no_rule_example_occurs_in_training_data():
    """Each rule's example rows run as tests (tests/test_rules.py), and so does the walkthrough's check in
    docs/architecture.md (tests/test_architecture.py)."""
    from analyzer.checks import rules

    examples = [e.answer for rule in rules().values() for e in rule.examples]
    walkthrough = re.search(r"```python\n(.*?)```", (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), re.S)
    examples += [node.value for node in ast.walk(ast.parse(walkthrough.group(1)))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert collisions(examples) == []
