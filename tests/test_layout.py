"""The package reads as the pipeline: no import cycles, stages import only the stages below them,
no module over about 450 lines, and pyproject.toml installs every package.

The import graph is read from the source with ``ast`` and counts every import: at module level,
inside functions (lazy imports) and under ``TYPE_CHECKING``. The root ``analyzer/__init__.py`` is
the public facade (lazy re-exports of the API) and is left out; ``__main__`` is the command itself.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "analyzer"
MAX_LINES = 450

LAYERS: tuple[tuple[str, ...], ...] = (
    ("analyzer.datamodel", "analyzer.errors", "analyzer.fileio", "analyzer.resources"),
    ("analyzer.text",),
    ("analyzer.readers",),
    ("analyzer.asr",),
    ("analyzer.speakers",),
    ("analyzer.pairing",),
    ("analyzer.detectors",),
    ("analyzer.checks",),
    ("analyzer.config",),
    ("analyzer.report",),
    ("analyzer.recording", "analyzer.pipeline"),
    ("analyzer.batch",),
    ("analyzer.workspace",),
    ("analyzer.cli", "analyzer.__main__"),
)
"""Pipeline order, bottom first: a module may import its own layer and the layers before it."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The analyzer modules ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])])
            # "from analyzer.x import y": the module analyzer.x.y if there is one, else analyzer.x
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t not in ("analyzer", name))
    return found


GRAPH = {name: imports_of(name) for name in MODULES if name != "analyzer"}


def layer_of(name: str) -> int:
    for index, layer in enumerate(LAYERS):
        if any(name == prefix or name.startswith(prefix + ".") for prefix in layer):
            return index
    raise AssertionError(f"{name} is in no layer of tests/test_layout.py::LAYERS: place it in the pipeline")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_import_only_the_stages_below_them():
    upward = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(name)
    ]
    assert upward == []


def test_no_module_is_over_the_size_limit():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules by concern (limit {MAX_LINES} lines)"


def test_pyproject_installs_every_package_and_its_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {module_name(p.parent) for p in PACKAGE.rglob("__init__.py")}
    assert packages <= set(config["packages"])
    data = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    declared = {
        (Path(*package.split(".")[1:]) / pattern).as_posix()
        for package, patterns in config["package-data"].items() if package.startswith("analyzer.") and package != "analyzer.models"
        for pattern in patterns
    }
    missing = {f for f in data if not any(Path(f).match(pattern) for pattern in declared)}
    assert missing == set()
