"""Errors a user can cause, each with its documented exit code.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``;
anything else is an internal error (exit 5) and only shows a traceback with ``--debug``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # only with --fail-on: a flag at or above that severity was found
    USAGE = 2  # bad command line or configuration
    BAD_INPUT = 3  # missing, empty, unreadable or unsupported input (batch: some input failed)
    MODEL_MISSING = 4  # a named model is not installed and cannot be fetched offline
    INTERNAL = 5  # a bug: please report it
    INTERRUPTED = 130


class AnalyzerError(Exception):
    """Base class: a problem we can explain in one line."""

    exit_code: ExitCode = ExitCode.INTERNAL


class InputError(AnalyzerError):
    """The input file is missing, empty, not understood, or has no candidate speech."""

    exit_code = ExitCode.BAD_INPUT


class ConfigError(AnalyzerError):
    """A configuration file or option is wrong."""

    exit_code = ExitCode.USAGE


class ModelMissingError(AnalyzerError):
    """A model the user asked for is not available offline."""

    exit_code = ExitCode.MODEL_MISSING
