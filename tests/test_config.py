"""Configuration: files, selection, options and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer import config
from analyzer.errors import ConfigError
from analyzer.pipeline import Analyzer


def test_defaults_enable_every_rule():
    from analyzer.checks import rules

    assert config.Config().enabled_codes() == list(rules())


def test_select_ignore_and_extend(tmp_path: Path):
    path = tmp_path / "ia.toml"
    path.write_text('select = ["rambling"]\nignore = ["rambling"]\n')
    assert config.load(path).enabled_codes() == []
    from analyzer.checks import rules

    everything_but = [c for c in rules() if c != "rambling"]
    assert config.load(path, select=["ALL"], ignore=[]).enabled_codes() == everything_but  # file ignore stays
    assert "rambling" in config.load(None, discover_file=False, select=["rambling"]).enabled_codes()


def test_rule_options_override_defaults_and_change_results(tmp_path: Path):
    path = tmp_path / "interview-analyzer.toml"
    path.write_text("[rambling]\nmax-words-closed = 3\n")
    cfg = config.load(path)
    assert cfg.options_for("rambling")["max-words-closed"] == 3
    report = Analyzer(cfg).analyze("Interviewer: What is your notice period?\nCandidate: Four weeks from my start date.\n")
    flag = next(f for f in report.answers[0].flags if f.code == "rambling")
    assert (flag.value, flag.threshold, flag.measure) == (6, 3, "words")


def test_pyproject_table_is_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.interview-analyzer]\nfail-on = "error"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert config.load().fail_on == "error"


@pytest.mark.parametrize("toml, message", [
    ('select = ["nope"]', "unknown rule code"),
    ("[rambling]\nmax-words = 3", "unknown option"),
    ('[rambling]\nmax-words-factual = "many"', "must be a number"),
    ('fail-on = "fatal"', "unknown severity"),
    ("colour = 1", "unknown configuration key"),
    ("select = 3", "list of rule codes"),
    ("severity = 3", r"\[severity\] must be a table"),
    ("tool = 3", r"\[tool\] .* must be a table"),
])
def test_invalid_configuration(tmp_path: Path, toml: str, message: str):
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        config.load(path)


def test_severity_override(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text('[severity]\nrambling = "error"\n[rambling]\nmax-words-closed = 1\n')
    report = Analyzer(config.load(path)).analyze("Q: What is your notice period?\nA: Four weeks.\n")
    assert report.answers[0].flags[0].severity == "error"


def test_the_old_fillers_table_is_read_as_filler_words_options(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text('[fillers]\nadd = ["you see"]\nremove = ["well"]\n')
    cfg = config.load(path)
    assert cfg.options_for("filler-words")["add"] == ["you see"] and cfg.options_for("filler-words")["remove"] == ["well"]
    report = Analyzer(cfg).analyze("Interviewer: Why this role?\nCandidate: Well, you see, I love this team.\n")
    assert [a.text for a in report.answers[0].annotations if a.kind == "filler"] == ["you see"]


@pytest.mark.parametrize("toml, message", [
    ('[fillers]\nadd = ["a"]\n[filler-words]\nadd = ["b"]', r"sets 'add' of rule 'filler-words' a second time"),
    ('[fillers]\nextra = ["a"]', r"unknown key\(s\) in \[fillers\]: extra; use add and remove \(now options of \[filler-words\]\)"),
    ('[filler-words]\nadd = [1]', r"option filler-words.add must be a list of words"),
    ("[rambling]\nmax-words-closed = 0", r"option rambling.max-words-closed must be a number at least 1, got 0"),
])
def test_option_errors_name_the_option(tmp_path: Path, toml: str, message: str):
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        config.load(path)
