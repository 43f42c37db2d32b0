"""The check registry: one module per flag code, listed explicitly.

Each module exposes ``RULE`` (:class:`analyzer.checks.base.Rule`) and
``check(answer, ctx, opts) -> Findings``. Codes are stable: never reuse or rename one.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from analyzer.checks.base import CheckModule, Rule

CHECK_MODULES: tuple[str, ...] = (
    "rambling",
    "fillers",
    "enthusiasm",
    "star",
    "negativity",
)


@lru_cache(maxsize=1)
def registry() -> dict[str, CheckModule]:
    """``{code: module}`` in a stable order."""
    out: dict[str, CheckModule] = {}
    for name in CHECK_MODULES:
        module = importlib.import_module(f"analyzer.checks.{name}")
        code = module.RULE.code
        if code in out:
            raise RuntimeError(f"duplicate rule code {code!r} in analyzer.checks.{name}")
        out[code] = module  # type: ignore[assignment]
    return out


def rules() -> dict[str, Rule]:
    return {code: module.RULE for code, module in registry().items()}
