"""The real-speech label files (data/realspeech/) are well-formed and carry no transcript text.

The passages come from share-alike or third-party transcripts: the repository keeps only offsets and
checksums (scripts/realspeech.py rebuilds the text). These tests need nothing outside the repository.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "realspeech"
KINDS = {"behavioural", "motivation", "self-assessment", "factual", "other"}
CATEGORIES = {"badmouthing": 1, "work": 0, "negative-other": 0, "business-fact": 0}
TRAIN_CATEGORIES = {**CATEGORIES, "other": 0}
STAR_LABELS = {"situation", "task", "action", "result", "other"}


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def realspeech_module():
    spec = importlib.util.spec_from_file_location("realspeech", ROOT / "scripts" / "realspeech.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["negativity", "star", "training_candidates", "negativity_train", "star_train"])
def test_passage_files_hold_offsets_not_text(name: str):
    items = load(name)
    assert items and all("text" not in item for item in items)
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert item["source"] in {"fillers-rev16", "seenunseen", "changelog"}
        assert 0 <= item["start"] < item["end"] and re.fullmatch(r"[0-9a-f]{12}", item["sha1"])


def test_negativity_labels_are_consistent():
    items = load("negativity")
    for item in items:
        assert item["split"] in {"dev", "heldout"}
        assert CATEGORIES[item["category"]] == item["label"]
    assert sum(item["label"] for item in items if item["split"] == "dev") >= 10


def test_negativity_training_labels_are_consistent_and_from_candidates():
    candidates = {item["id"]: item for item in load("training_candidates")}
    for item in load("negativity_train"):
        assert {k: item[k] for k in ("source", "doc", "start", "end", "sha1")} == {
            k: candidates[item["id"]][k] for k in ("source", "doc", "start", "end", "sha1")}
        assert TRAIN_CATEGORIES[item["category"]] == item["label"]
        assert item["labeller"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["date"])
        assert (item["intensity"] in (1, 2, 3)) == bool(item["label"]) == bool(item["evidence"])
        assert all(0 <= s < e <= item["end"] - item["start"] for s, e in item["evidence"])


def test_star_clauses_tile_the_passage_in_order():
    for item in load("star"):
        clauses = item["clauses"]
        assert all(label in STAR_LABELS for _, _, label in clauses)
        assert all(0 <= s < e <= item["end"] - item["start"] for s, e, _ in clauses)
        assert all(a[1] <= b[0] for a, b in zip(clauses, clauses[1:]))
        assert item["has_action"] == any(label == "action" for _, _, label in clauses)
        assert item["has_result"] == any(label == "result" for _, _, label in clauses)


def test_star_training_labels_tile_candidates_of_no_labelled_document():
    candidates = {item["id"]: item for item in load("training_candidates")}
    for item in load("star_train"):
        assert {k: item[k] for k in ("source", "doc", "start", "end", "sha1")} == {
            k: candidates[item["id"]][k] for k in ("source", "doc", "start", "end", "sha1")}
        clauses = item["clauses"]
        assert clauses and all(label in STAR_LABELS for _, _, label in clauses)
        assert all(0 <= s < e <= item["end"] - item["start"] for s, e, _ in clauses)
        assert all(a[1] <= b[0] for a, b in zip(clauses, clauses[1:]))
        assert item["has_action"] == any(label == "action" for _, _, label in clauses)
        assert item["has_result"] == any(label == "result" for _, _, label in clauses)
        assert item["labeller"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["date"])


def test_questions_have_a_kind_and_a_source():
    items = load("questions")
    assert len(items) >= 200
    assert {item["kind"] for item in items} == KINDS
    assert all(item["split"] in {"dev", "heldout"} and re.fullmatch(r"[0-9a-f]{40}", item["commit"]) for item in items)


def test_no_training_candidate_shares_a_document_with_the_labelled_sets():
    def document(item: dict) -> tuple[str, str]:
        return item["source"], item["doc"].rsplit(":", 1)[0]

    labelled = {document(i) for name in ("negativity", "star") for i in load(name)}
    assert not {document(i) for i in load("training_candidates")} & labelled
    assert not {document(i) for i in load("negativity_train")} & labelled
    assert not {document(i) for i in load("star_train")} & labelled


def test_changelog_turns_strip_timestamps_links_and_emphasis():
    markdown = (
        "**Jerod Santo:** \\[00:01:02.03\\] Welcome to [the show](https://example.org), *friends*.\n\n"
        "More from Jerod.\n\n**Guest Name:** Thanks   for having me.\n"
    )
    assert realspeech_module().changelog_turns(markdown) == [
        "Welcome to the show, friends. More from Jerod.",
        "Thanks for having me.",
    ]


def test_a_rebuilt_passage_is_checked_against_its_checksum(tmp_path: Path):
    module = realspeech_module()
    chunks = tmp_path / "chunks.jsonl"
    chunks.write_text(json.dumps({"id": "ep99-0", "text": "My editor sat on the story for a month."}) + "\n")
    sources = module.Sources(tmp_path, None, None)
    good = {"id": "x", "source": "fillers-rev16", "doc": "ep99-0", "start": 3, "end": 9,
            "sha1": module.sha1_prefix("editor")}
    assert [i["text"] for i in module.with_text([good], sources)] == ["editor"]
    with pytest.raises(ValueError, match="checksum"):
        list(module.with_text([{**good, "sha1": "0" * 12}], sources))
    assert list(module.with_text([{**good, "source": "changelog"}], sources)) == []  # source not available


@pytest.mark.parametrize("name", ["negativity", "star", "questions"])
def test_second_pass_holds_labels_of_known_items_and_no_text(name: str):
    first = {item["id"]: item for item in load(name)}
    second = [json.loads(line) for line in (DATA / "second_pass" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert second and all("text" not in item for item in second)
    assert all(item["id"] in first for item in second)
    for item in second:
        if name == "star":
            assert [c[:2] for c in item["clauses"]] == [c[:2] for c in first[item["id"]]["clauses"]]
            assert all(label in STAR_LABELS for _, _, label in item["clauses"])
        elif name == "negativity":
            assert CATEGORIES[item["category"]] == item["label"]
        else:
            assert item["kind"] in KINDS


def test_the_ami_word_reference_takes_each_utterance_from_its_speakers_words_in_order(tmp_path: Path, monkeypatch):
    import hashlib

    from script_modules import load_script

    builder = load_script("build_real_wer_set")
    folder = tmp_path / "data" / "ami-transcripts-speaker"
    folder.mkdir(parents=True)
    texts = {"A": "Morning all. Shall we start with the budget? Fine.", "B": "Sure. Um I have the figures here."}
    for speaker, text in texts.items():
        (folder / f"XX0001a.{speaker}.transcript.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(builder, "SHA256", {f"XX0001a.{s}": hashlib.sha256(t.encode()).hexdigest() for s, t in texts.items()})
    excerpt = builder.Excerpt("meeting.flac", "XX0001a", 9.0, {"A": "SPK1", "B": "SPK2"}, (
        builder.Utterance(0.5, "A", 2), builder.Utterance(2.0, "A", 6), builder.Utterance(4.0, "B", 1),
        builder.Utterance(4.5, "B", 6)))
    built = builder.reference("meeting", excerpt, tmp_path, tmp_path)
    assert [(t["speaker"], t["text"]) for t in built["turns"]] == [
        ("SPK1", "Morning all."), ("SPK1", "Shall we start with the budget?"), ("SPK2", "Sure."),
        ("SPK2", "Um I have the figures here.")]
    assert built["end"] == 9.0 and "CC BY 4.0" in built["licence"]
    (folder / "XX0001a.B.transcript.txt").write_text("Sure. Something else.", encoding="utf-8")
    with pytest.raises(SystemExit, match="SHA-256 differs"):
        builder.reference("meeting", excerpt, tmp_path, tmp_path)
