"""Property-based fuzzing (hypothesis) of the configuration: rule selection and every option (#22).

The contract, for any configuration file (TOML, written by ``tomli_w`` from generated tables) and any
``--select``/``--extend-select``/``--ignore``/``--fail-on`` values: loading it gives a configuration
or a :class:`ConfigError` of one short line (exit 2), and a configuration that loads analyses an
interview into a strict-JSON report, or stops with an :class:`AnalyzerError` of one line; never
another exception (exit 5). Values are wrong types, negative, NaN, infinite, huge, dates, unknown rule
codes and option names, for every rule and for the ``[audio]``, ``[report]`` and ``[severity]`` tables.
Derandomized like ``tests/test_fuzz.py``; ``INTERVIEW_ANALYZER_FUZZ_EXAMPLES=N`` searches deeper.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyzer.checks import rules
from analyzer.config import SETTING_TABLES, load, setting_options
from analyzer.errors import AnalyzerError, ConfigError

DEEP = int(os.environ.get("INTERVIEW_ANALYZER_FUZZ_EXAMPLES", "0"))
LOAD_SETTINGS = settings(max_examples=DEEP or 150, deadline=timedelta(seconds=10), derandomize=not DEEP,
                         database=None, suppress_health_check=[HealthCheck.too_slow])
ANALYSIS_SETTINGS = settings(max_examples=DEEP or 15, deadline=timedelta(seconds=120), derandomize=not DEEP,
                             database=None, suppress_health_check=[HealthCheck.too_slow])

RULES = rules()
CODES = list(RULES)
HOSTILE_NUMBERS = [float("nan"), float("inf"), float("-inf"), -1, 0, 0.5, -0.0, 1e308, -1e308, 2**63 - 1, -2**63,
                   5e-324]
scalar = st.one_of(st.booleans(), st.sampled_from(HOSTILE_NUMBERS), st.integers(-2**63, 2**63 - 1),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.dates(),
                   st.sampled_from(["", " ", "ALL", "all", "error", "info", "\u200b", "nan", "1", ","]))
junk = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3), max_leaves=6)
code = st.one_of(st.sampled_from(CODES), st.sampled_from(["ALL", "all", "", "rambling ", "RAMBLING", "E501"]),
                 st.text(max_size=10))
codes = st.one_of(st.lists(code, max_size=4), st.lists(code, max_size=4).map(",".join), junk)
severity = st.one_of(st.sampled_from(["info", "warning", "error", "fatal", "", "ERROR"]), junk)


def option_value(option) -> st.SearchStrategy:
    """Values near what the option takes (in and out of its range, its choices) and anything else."""
    if option.kind == "number":
        bounds = [b for b in (option.minimum, option.maximum, option.above) if b is not None]
        near = st.sampled_from([b + d for b in bounds for d in (-1, -0.5, 0, 0.5, 1)] or [0])
        near = st.one_of(near, near.map(int), st.sampled_from(HOSTILE_NUMBERS))
    elif option.kind == "list":
        near = st.lists(st.sampled_from([*(option.choices or ("um", "you see")), "", " ", "x"]), max_size=4)
    elif option.kind == "boolean":
        near = st.booleans()
    else:
        near = st.sampled_from([*(option.choices or ()), "", "x"])
    return st.one_of(near, near, near, junk)


EXTREMES = [0, 1, -1, 0.5, 1e-9, 5e-324, 1e308, -1e308, 2**63 - 1, -2**63, 3, 100]


def accepted(option, value) -> bool:
    try:
        option.validate("fuzz", value)
    except ConfigError:
        return False
    return True


def extreme_value(option) -> st.SearchStrategy:
    """Values the option accepts, its extremes first: bounds, the tiniest and the hugest numbers, no or
    every choice."""
    if option.kind == "number":
        bounds = [b for b in (option.minimum, option.maximum, option.above) if b is not None]
        pool = [v for v in [*bounds, *(b + d for b in bounds for d in (5e-324, 1e-9, 1)), *EXTREMES]
                if accepted(option, v)]
        return st.sampled_from(pool or [option.default])
    if option.kind == "list":
        words = option.choices or ("um", "you see", "like", "so", "well", "actually")
        return st.lists(st.sampled_from(words), max_size=len(words), unique=True)
    if option.kind == "boolean":
        return st.booleans()
    return st.sampled_from(option.choices or (option.default,))


def extreme_table(options) -> st.SearchStrategy:
    """A table setting some of ``options`` to values they accept, at their extremes."""
    return st.lists(st.sampled_from(options), max_size=len(options), unique_by=lambda o: o.name).flatmap(
        lambda chosen: st.fixed_dictionaries({o.name: extreme_value(o) for o in chosen}))


@st.composite
def extreme_config(draw) -> dict:
    """A configuration that loads: every rule selected, any of them, and the settings tables, set to extremes."""
    table = {code: draw(extreme_table(RULES[code].options)) for code in draw(
        st.lists(st.sampled_from([c for c in CODES if RULES[c].options]), min_size=1, unique=True))}
    for name, options in setting_options().items():
        if draw(st.booleans()):
            table[name] = draw(extreme_table([o for o in options if o.name != "engine"]))
    return table


def declared_table(options) -> st.SearchStrategy:
    """A table of some of ``options`` (declared ones), with an unknown name now and then."""
    names = [o.name for o in options]
    return st.dictionaries(st.one_of(st.sampled_from(names or ["x"]), st.sampled_from(["unknown", "", "Max-Words"])),
                           st.none(), max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries({name: option_value(next(o for o in options if o.name == name))
                                              if name in names else junk for name in chosen}))


@st.composite
def config_table(draw) -> dict:
    """The ``[tool.interview-analyzer]`` table of a configuration file."""
    table: dict = {}
    for key, value in [("select", codes), ("extend-select", codes), ("ignore", codes), ("fail-on", severity),
                       ("severity", st.one_of(st.dictionaries(code, severity, max_size=3), junk)),
                       ("fillers", declared_table(RULES["filler-words"].options[-2:])),
                       *((name, declared_table(options)) for name, options in setting_options().items())]:
        if draw(st.integers(0, 3)) == 0:
            table[key] = draw(junk) if draw(st.integers(0, 4)) == 0 else draw(value)
    for rule_code in draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True)):
        table[rule_code] = draw(junk) if draw(st.integers(0, 4)) == 0 else draw(declared_table(RULES[rule_code].options))
    if draw(st.integers(0, 9)) == 0:
        table[draw(st.text(min_size=1, max_size=8))] = draw(junk)
    return table


def write_config(folder: Path, table: dict) -> Path | None:
    """``table`` as ``interview-analyzer.toml`` in ``folder`` (None when TOML cannot hold it)."""
    try:
        text = tomli_w.dumps(table)
    except (TypeError, ValueError):  # e.g. a list of mixed tables and values
        return None
    path = folder / "interview-analyzer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_one_line(error: AnalyzerError) -> None:
    message = str(error)
    assert message and "\n" not in message and "\r" not in message and len(message) < 600, message


command_line = st.fixed_dictionaries({}, optional={
    "select": st.lists(code, max_size=3), "extend_select": st.lists(code, max_size=3),
    "ignore": st.lists(code, max_size=3), "fail_on": st.sampled_from(["info", "warning", "error", "", "x", "ALL"])})


def test_the_settings_tables_are_the_ones_the_configuration_reads() -> None:
    assert set(setting_options()) | {"severity"} == set(SETTING_TABLES)
    recording = (Path(__file__).resolve().parent.parent / "analyzer" / "recording.py").read_text(encoding="utf-8")
    read = set(re.findall(r'settings\["([a-z-]+)"\]', recording))
    assert read and read <= {o.name for o in setting_options()["audio"]}, "declare every [audio] key in config.py"


@LOAD_SETTINGS
@given(table=config_table(), overrides=command_line)
def test_a_configuration_loads_or_gives_one_line(tmp_path_factory, table: dict, overrides: dict) -> None:
    folder = tmp_path_factory.mktemp("config")
    path = write_config(folder, {"tool": {"interview-analyzer": table}} if len(table) % 2 else table)
    try:
        cfg = load(path, discover_file=False, **overrides)
    except ConfigError as error:
        assert_one_line(error)
        event(f"refused: {str(error)[:20]}")
        return
    event("loaded")
    cfg.fingerprint()
    json.dumps(cfg.fingerprint(), allow_nan=False)  # a report records the configuration


@pytest.fixture(scope="module")
def interview(tmp_path_factory) -> Path:
    """An interview every text rule has something to say about (the session rules too)."""
    path = tmp_path_factory.mktemp("interview") / "interview.txt"
    path.write_text(
        "Interviewer: Tell me about a time you handled a conflict on your team.\n"
        "Candidate: Um, so, like, I don't know, I didn't really look at the job description. We had, uh, a "
        "disagreement about the release plan and my old manager was honestly useless, so we just waited.\n"
        "Interviewer: Why do you want this role?\n"
        "Candidate: I'd rather talk about my hobbies. I like hiking and cooking on weekends, you know.\n"
        "Interviewer: Any questions for us?\nCandidate: No.\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def every_model(interview: Path) -> None:
    """Every rule's models loaded (and converted, on a first run) before the examples are timed."""
    from analyzer.pipeline import Analyzer

    Analyzer(load(None, discover_file=False, select=["ALL"])).analyze(interview)


def test_a_configuration_that_loads_gives_a_strict_report_or_one_line(tmp_path_factory, interview: Path,
                                                                      every_model: None) -> None:
    from analyzer.pipeline import Analyzer
    from analyzer.report import render

    @ANALYSIS_SETTINGS
    @given(table=extreme_config())
    def check(table: dict) -> None:
        cfg = load(write_config(tmp_path_factory.mktemp("config"), table), discover_file=False, select=["ALL"])
        try:
            report = Analyzer(cfg).analyze(interview)
            texts = [render(report, fmt, out_path=interview.with_suffix(".html"), settings=cfg.settings)
                     for fmt in ("json", "md", "html")]
        except AnalyzerError as error:
            assert_one_line(error)
            event(f"refused when analysing: {type(error).__name__}")
            return
        event("report")
        json.loads(texts[0], parse_constant=_no_constant)

    check()


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in a JSON report")


@pytest.mark.parametrize("arguments, toml", [
    (["--select", "no-such-rule"], ""),
    (["--ignore", "ALL,E501"], ""),
    ([], "[rambling]\nmax-words-behavioural = nan\n"),
    ([], "[employer-negativity]\nthreshold = inf\n"),
    ([], "[audio]\nmin-pause-s = \"long\"\n"),
    ([], "[report]\nembed-audio-max-mb = -1\n"),
    ([], "[audio-quality]\nno-such-option = 1\n"),
    ([], "[no-questions]\nmin-questions = 0\n"),
    ([], "[audio]\nspeakers = 2.0\n"),
    ([], f"[non-answer]\nmin-words-after = {date(2026, 12, 7)}\n"),
])
def test_the_command_line_refuses_a_bad_configuration_in_one_line_with_exit_2(tmp_path: Path, samples: Path,
                                                                              arguments: list[str], toml: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(samples / "strong_candidate.txt"),
                             "--config", str(config), "--out", str(tmp_path / "out"), *arguments],
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "out").exists()
