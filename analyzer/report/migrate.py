"""Reports of earlier schema versions, read as the current one.

Version 1 kept every rule's metrics in one flat ``metrics`` object per answer; version 2 puts them
under each rule's namespace and adds session-level ``flags`` and ``metrics``. The mapping below is
the frozen history of version 1 (it does not follow later changes of the rules).
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from analyzer.datamodel import SCHEMA_VERSION

_V1_METRICS: dict[str, tuple[str, str]] = {
    **{key: ("rambling", key) for key in (
        "words", "duration_s", "speech_s", "words_per_minute", "long_pauses", "longest_pause_s", "repeated_words",
        "repeated_phrases", "readability_flesch", "readability_grade", "question_similarity", "min_part_similarity",
        "drift_share", "self_similarity")},
    "fillers": ("fillers", "count"),
    "fillers_per_100_words": ("fillers", "per_100_words"),
    "fillers_per_minute": ("fillers", "per_minute"),
    "negativity_probability": ("negativity", "probability"),
}
"""Flat version-1 answer metric -> (namespace, name) in version 2; ``enthusiasm`` and ``star`` were
already objects and keep their names."""


def upgrade(report: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` in the current schema version (unchanged when it already is)."""
    data = copy.deepcopy(dict(report))
    if data.get("schema_version") == 1:
        for answer in data.get("answers", []):
            answer["metrics"] = _namespaced(answer.get("metrics", {}))
        data["schema_version"] = 2
        data.setdefault("flags", [])
        data.setdefault("metrics", {})
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"unknown report schema_version {data.get('schema_version')!r}")
    return data


def _namespaced(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        if key in _V1_METRICS:
            namespace, name = _V1_METRICS[key]
            out.setdefault(namespace, {})[name] = value
        elif isinstance(value, dict):
            out.setdefault(key, {}).update(value)
    star = out.get("star")
    if star is not None and "actions_only_we" not in star:  # version 2 states it; version 1 implied it
        star["actions_only_we"] = "action" in (star.get("missing") or []) and star.get("action_we_share") == 1
    return out
