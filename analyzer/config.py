"""Configuration: rule selection, per-rule options and global settings.

Read from ``--config FILE`` (TOML, keys at top level or under ``[tool.interview-analyzer]``),
else from the nearest ``interview-analyzer.toml``, ``.interview-analyzer.toml`` or
``pyproject.toml`` with a ``[tool.interview-analyzer]`` table in the working directory or
its parents. Command-line options override the file, which overrides the defaults.

Example::

    [tool.interview-analyzer]
    ignore = ["low-enthusiasm"]
    fail-on = "error"

    [tool.interview-analyzer.rambling]
    max-words-behavioural = 300

    [tool.interview-analyzer.filler-words]
    add = ["you see"]
    remove = ["well"]

Each rule's options, their types, defaults and ranges are declared and validated by the rule
(:class:`analyzer.checks.rule.Option`). The filler list was once a ``[fillers]`` table of its own; it
is still read, as the ``add`` and ``remove`` options of ``filler-words``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.datamodel import SEVERITY_RANK
from analyzer.errors import ConfigError

if TYPE_CHECKING:
    from analyzer.checks.rule import Option

CONFIG_FILES = ("interview-analyzer.toml", ".interview-analyzer.toml", "pyproject.toml")
TOOL_KEY = "interview-analyzer"
SETTING_TABLES = ("audio", "severity", "report")
LEGACY_FILLERS = "fillers"
"""The old name of the filler list's table: its ``add`` and ``remove`` are now ``filler-words`` options."""
TOP_LEVEL_KEYS = {"select", "extend-select", "ignore", "fail-on", *SETTING_TABLES, LEGACY_FILLERS}
DEFAULT_EMBED_AUDIO_MAX_MB = 10.0


@lru_cache(maxsize=1)
def setting_options() -> dict[str, tuple["Option", ...]]:
    """The keys of the global settings tables, their types and ranges (validated like rule options)."""
    from analyzer.asr import DEFAULT_ENGINE, AsrOptions
    from analyzer.asr.vad import DEFAULT_MIN_SILENCE_S
    from analyzer.checks.context import DEFAULT_MIN_PAUSE_S
    from analyzer.checks.rule import Option
    from analyzer.readers.audio import DEFAULT_MAX_DURATION_S

    return {
        "audio": (
            Option("engine", DEFAULT_ENGINE, "Whisper engine: faster-whisper or openai-whisper."),
            Option("model", "", "Whisper model name, CTranslate2 directory or .pt file (empty: base; tiny.en is the smaller one)."),
            Option("speakers", 0, "How many people speak, 1 to 4 (0: estimated from the voices).", minimum=0,
                   maximum=4, whole=True),
            Option("filler-prompt", True, "Carry a short 'um, uh' prompt so Whisper keeps hesitations."),
            Option("beam-size", AsrOptions.beam_size, "Whisper's beam (1: greedy).", minimum=1, maximum=20, whole=True),
            Option("cache", True, "Reuse transcripts of the same audio, engine, model and options."),
            Option("quiet", False, "No progress bar."),
            Option("min-silence-s", DEFAULT_MIN_SILENCE_S, "Shortest silence recorded (s).", above=0),
            Option("max-duration-s", DEFAULT_MAX_DURATION_S, "Longest recording accepted (s).", above=0),
            Option("min-pause-s", DEFAULT_MIN_PAUSE_S, "Shortest silence counted as a long pause (s).", minimum=0),
        ),
        "report": (
            Option("embed-audio-max-mb", DEFAULT_EMBED_AUDIO_MAX_MB, "Largest recording embedded in the HTML "
                   "report (MB); a larger one is linked.", minimum=0),
        ),
    }


@dataclass
class Config:
    """The configuration in effect for one run."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Global tables: ``audio`` (engine, model, ...), ``report``."""
    path: Path | None = None

    def enabled_codes(self) -> list[str]:
        """Codes of the rules that run: ``select`` (default: all stable) plus
        ``extend-select`` minus ``ignore``; ``ALL`` selects every rule."""
        from analyzer.checks import rules

        known = rules()
        base = self.select if self.select is not None else ["ALL"]
        chosen = _expand(base, known) | _expand(self.extend_select, known)
        return [code for code in known if code in chosen - _expand(self.ignore, known)]

    def options_for(self, code: str) -> dict[str, Any]:
        from analyzer.checks import rules

        return {**rules()[code].defaults(), **self.options.get(code, {})}

    def severity_for(self, code: str, default: str) -> str:
        return self.severity.get(code, default)

    def setting(self, table: str, key: str, default: Any = None) -> Any:
        return self.settings.get(table, {}).get(key, default)

    def fails(self, worst_severity: str | None) -> bool:
        """Whether a session whose worst flag has this severity reaches ``fail-on`` (exit 1).
        Never when ``fail-on`` is unset or the session has no flags."""
        if self.fail_on is None or worst_severity is None:
            return False
        return SEVERITY_RANK[worst_severity] >= SEVERITY_RANK[self.fail_on]

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes results, for reports and batch resumption (not ``fail-on``,
        which only decides the exit code)."""
        return {
            "rules": self.enabled_codes(),
            "options": {c: self.options_for(c) for c in self.enabled_codes()},
            "severity": dict(sorted(self.severity.items())),
            "settings": {k: v for k, v in sorted(self.settings.items()) if k != "report"},
        }

    def validate(self) -> "Config":
        from analyzer.checks import rules

        known = rules()
        for selector in [*(self.select or []), *self.extend_select, *self.ignore, *self.severity]:
            if selector != "ALL" and selector not in known:
                raise ConfigError(f"unknown rule code {selector!r}; known codes: {', '.join(known)}")
        for code, opts in self.options.items():
            self.options[code] = known[code].validate_options(opts)
        for table, values in self.settings.items():
            if table in setting_options():
                self.settings[table] = validate_settings(table, values)
        for level in [self.fail_on, *self.severity.values()]:
            if level is not None and level not in SEVERITY_RANK:
                raise ConfigError(f"unknown severity {level!r}; use one of {', '.join(SEVERITY_RANK)}")
        return self


def validate_settings(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """The ``[table]`` settings ``values`` checked against :func:`setting_options` (a :class:`ConfigError`
    names an unknown key or a bad value); the engine's name is made canonical."""
    from analyzer.asr import engine_name

    known = {o.name: o for o in setting_options()[table]}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} in [{table}]; valid: {', '.join(known)}")
    checked = {name: known[name].validate(table, value) for name, value in values.items()}
    if "engine" in checked:
        checked["engine"] = engine_name(checked["engine"])
    return checked


def _expand(selectors: list[str], known: dict[str, Any]) -> set[str]:
    return set(known) if "ALL" in selectors else set(selectors)


def _as_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{key} must be a list of rule codes")


def from_mapping(data: dict[str, Any], path: Path | None = None) -> Config:
    """Build a :class:`Config` from a parsed TOML table."""
    from analyzer.checks import rules

    known = rules()
    cfg = Config(path=path)
    for key, value in data.items():
        if key == "select":
            cfg.select = _as_list(value, key)
        elif key == "extend-select":
            cfg.extend_select = _as_list(value, key)
        elif key == "ignore":
            cfg.ignore = _as_list(value, key)
        elif key == "fail-on":
            cfg.fail_on = str(value)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError("[severity] must be a table of rule codes and severities")
            cfg.severity = {str(k): str(v) for k, v in value.items()}
        elif key == LEGACY_FILLERS:
            _read_legacy_fillers(cfg, value)
        elif key in SETTING_TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}] must be a table")
            cfg.settings[key] = dict(value)
        elif key in known:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}] must be a table of options")
            _merge_options(cfg, key, dict(value), f"[{key}]")
        else:
            raise ConfigError(
                f"unknown configuration key {key!r} in {path or 'configuration'}; expected one of "
                f"{', '.join(sorted(TOP_LEVEL_KEYS))} or a rule code"
            )
    return cfg.validate()


def _merge_options(cfg: Config, code: str, values: dict[str, Any], where: str) -> None:
    clash = sorted(set(values) & set(cfg.options.get(code, {})))
    if clash:
        raise ConfigError(f"{where} sets {clash[0]!r} of rule {code!r} a second time: the [{LEGACY_FILLERS}] table is "
                          f"the old name of these [{code}] options, keep one of the two")
    cfg.options.setdefault(code, {}).update(values)


def _read_legacy_fillers(cfg: Config, table: Any) -> None:
    """The old ``[fillers]`` table (``add``, ``remove``), read as the same options of ``filler-words``."""
    from analyzer.checks.fillers import RULE

    if not isinstance(table, dict):
        raise ConfigError(f"[{LEGACY_FILLERS}] must be a table")
    unknown = sorted(set(table) - {"add", "remove"})
    if unknown:
        raise ConfigError(f"unknown key(s) in [{LEGACY_FILLERS}]: {', '.join(unknown)}; use add and remove "
                          f"(now options of [{RULE.code}])")
    _merge_options(cfg, RULE.code, dict(table), f"[{LEGACY_FILLERS}]")


def load_file(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"[tool] in {path} must be a table")
    table = tool.get(TOOL_KEY, data if path.name != "pyproject.toml" else {})
    if not isinstance(table, dict):
        raise ConfigError(f"[tool.{TOOL_KEY}] in {path} must be a table")
    table = {k: v for k, v in table.items() if k != "tool"}
    return from_mapping(table, path)


def discover(start: Path | None = None) -> Path | None:
    """Nearest configuration file in ``start`` or its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                if TOOL_KEY in tomllib.loads(candidate.read_text(encoding="utf-8")).get("tool", {}):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
    return None


def load(
    path: Path | None = None,
    *,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    discover_file: bool = True,
) -> Config:
    """The configuration in effect: file (given or discovered), then command-line overrides."""
    source = path or (discover() if discover_file else None)
    cfg = load_file(source) if source else Config()
    if select is not None:
        cfg.select = select
    if extend_select:
        cfg.extend_select = [*cfg.extend_select, *extend_select]
    if ignore:
        cfg.ignore = [*cfg.ignore, *ignore]
    if fail_on is not None:
        cfg.fail_on = fail_on
    return cfg.validate()
