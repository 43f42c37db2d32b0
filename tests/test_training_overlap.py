"""Honest tests: no test string and no sample-transcript sentence may come from a model's training data.

A test that checks a sentence the model was trained on measures memory, not the model. Training text is
every text field of ``models/*.jsonl`` and ``models/*.tsv`` (but for the evaluation-only
``models/enthusiasm_interview_check.tsv``) and the transcripts of ``models/fillers_synthetic.txt`` (filler marks
removed). The real spoken training passages of
``data/realspeech/*_train.jsonl`` are offsets into public transcripts, not text: the repository does not hold
them, so they cannot be compared here (they are whole podcast passages, not sentences written for a test).

Test sentences are string literals of ``tests/*.py``, the text of ``tests/fixtures`` (transcripts, reference
transcripts of the fixture recordings, the old report) and the sample transcripts. They are compared after
normalisation (lower case, letters and digits only, single spaces): a sentence of five words or more
collides when it occurs anywhere in a training text, a sentence of four words when it equals a training
sentence.

Interviewer questions ("Why did you leave your last job?", "Tell me about a time ...") are left out, except
for the question classifier's own tests: questions are the shared wording of the domain, and the other
models are not trained on them as what they score (a question is the context of the answer that is scored).
The questions whose kind ``tests/test_questions.py`` asserts must not equal a training question of
``models/question_kinds.jsonl``.
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
EXACT_WORDS = 4
"""A four-word sentence collides only when it is a whole training sentence ("My manager wasn't bad.")."""
FIXTURES = ROOT / "tests" / "fixtures"
EVALUATION_ONLY = "enthusiasm_interview_check.tsv"
"""Written to check the enthusiasm score on interview answers; no model is trained on it."""
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
    for path in sorted(set(MODELS.glob("*.tsv")) - {MODELS / EVALUATION_ONLY}):
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


@lru_cache(maxsize=1)
def training_sentences() -> frozenset[str]:
    return frozenset(normalise(s) for text in training_texts() for s in _SENTENCE.findall(text))


def sentences(text: str) -> list[str]:
    found = [s.strip() for s in _SENTENCE.findall(text)]
    return [s for s in found if len(normalise(s).split()) >= EXACT_WORDS and not _QUESTION.search(s)]


def collisions(candidates: list[str]) -> list[str]:
    corpus, whole = training_corpus(), training_sentences()
    found = []
    for text in candidates:
        for sentence in sentences(text):
            words = normalise(sentence)
            if (f" {words} " in corpus) if len(words.split()) >= MIN_WORDS else words in whole:
                found.append(sentence)
    return sorted(set(found))


def string_literals(path: Path) -> list[str]:
    return [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def string_literals_of_tests() -> list[str]:
    """Every string constant in the test modules (and their helpers), except this module's own."""
    paths = [p for p in sorted((ROOT / "tests").glob("*.py")) if p.name != Path(__file__).name]
    return [s for path in paths for s in string_literals(path)]


def fixture_texts() -> list[str]:
    """The text of the test fixtures: plain transcripts and every string of the JSON files."""
    texts = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix == ".json":
            texts += json_strings(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".txt":
            texts.append(path.read_text(encoding="utf-8"))
    return texts


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
    assert collisions(["Intro. My manager wasn't bad!"]) == ["My manager wasn't bad!"]  # a whole four-word item
    assert collisions(["My manager wasn't bad at planning, though."]) == []


def test_no_test_string_occurs_in_training_data():
    assert collisions(string_literals_of_tests()) == []


def test_no_fixture_sentence_occurs_in_training_data():
    assert collisions(fixture_texts()) == []


def test_no_sample_transcript_sentence_occurs_in_training_data():
    assert collisions(sample_transcript_lines()) == []


def test_the_question_classifier_is_not_tested_on_its_training_questions():
    lines = (MODELS / "question_kinds.jsonl").read_text(encoding="utf-8").splitlines()
    trained = {normalise(json.loads(line)["text"]) for line in lines if line.strip()}
    tested = [s.strip() for text in string_literals(ROOT / "tests" / "test_questions.py") for s in _SENTENCE.findall(text)]
    assert len(tested) > 50
    assert sorted({q for q in tested if normalise(q) in trained}) == []


def test_no_rule_example_occurs_in_training_data():
    """Each rule's example rows run as tests (tests/test_rules.py), and so does the walkthrough's check in
    docs/architecture.md (tests/test_architecture.py)."""
    from analyzer.checks import rules

    examples = [e.answer for rule in rules().values() for e in rule.examples]
    walkthrough = re.search(r"```python\n(.*?)```", (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), re.S)
    examples += [node.value for node in ast.walk(ast.parse(walkthrough.group(1)))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert collisions(examples) == []
