"""Batch analysis: folders of sessions, in parallel worker processes, resumable, with a summary.

Layout of the output directory (``--out``)::

    OUT/<same folders as the inputs>/<file name>.<fmt>   one report per session and format
    OUT/.batch-state/<same path>.json                    manifest: written last, marks a session complete
    OUT/summary.json, summary.csv, errors.json, index.html

A session is skipped when its manifest holds the same key (SHA-256 of the input, its questions and
metadata, the configuration fingerprint, the audio overrides (engine, model, speakers), the speaker
roles given on the command line, the tool version and the build: a hash of the analyzer's code and
models, :func:`analyzer.resources.build_fingerprint`) and every requested report
still exists with the recorded SHA-256 (a JSON report's taken without a coach review merged in by
``review import``). Every file is written atomically (temporary file + rename),
reports before the manifest, so a batch killed at any moment leaves complete files only and a
rerun redoes just the sessions whose manifest is missing or stale. A session that is redone keeps
the coach's verdicts of its previous JSON report where they still fit its flags (:func:`analyzer.batch.workers.keep_review`).

Sidecars beside ``<name>.<ext>``: ``<name>.questions.txt`` (self-practice questions, one per line)
and ``<name>.meta.toml`` (``candidate``, ``date``, ``candidate-speaker``, ``interviewer-speaker``).
They win over the batch-wide :class:`SessionDefaults` (``--questions``, ``--candidate``, ``--interviewer``).
"""

from analyzer.batch.discovery import Session, SessionDefaults, discover, sidecar_suffix
from analyzer.batch.metrics import metric_columns, session_metrics
from analyzer.batch.progress import ConsoleProgress
from analyzer.batch.run import run_batch
from analyzer.batch.workers import BatchResult, Outcome, default_jobs

__all__ = [
    "BatchResult",
    "ConsoleProgress",
    "Outcome",
    "Session",
    "SessionDefaults",
    "default_jobs",
    "discover",
    "metric_columns",
    "run_batch",
    "session_metrics",
    "sidecar_suffix",
]
