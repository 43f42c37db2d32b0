"""Console output of a batch run: one progress bar and a line per session (rich, on stderr)."""

from __future__ import annotations

from typing import Any

from analyzer.batch.discovery import Session
from analyzer.batch.workers import Outcome


class ConsoleProgress:
    """One overall rich progress bar on stderr and a status line per session (``quiet``: failures only)."""

    def __init__(self, quiet: bool = False) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.quiet = quiet
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> "ConsoleProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, total: int) -> None:
        if self.quiet:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                  TextColumn("eta"), TimeRemainingColumn(), console=self.console, transient=False)
        self._progress.start()
        self._task = self._progress.add_task("batch", total=total)

    def outcome(self, session: Session, outcome: Outcome) -> None:
        from rich.text import Text

        if outcome.ok and outcome.reused:
            line = Text.assemble(("skip ", "dim"), session.rel, (" (unchanged, report complete)", "dim"))
        elif outcome.ok:
            m = outcome.metrics
            line = Text.assemble(("ok   ", "green"), session.rel,
                                 f" ({m.get('answers')} answers, {m.get('flags_total')} flags, {outcome.seconds:.1f} s)")
            note = review_note(outcome.review)
            if note:
                line.append(f"; {note}", style="yellow" if outcome.review.get("backup") else None)
        else:
            error = outcome.error or ""
            error = error[len(session.path) + 2:] if error.startswith(f"{session.path}: ") else error
            line = Text.assemble(("FAIL ", "bold red"), session.rel, ": ", error)
        if self._progress is not None:
            self._progress.console.print(line, soft_wrap=True)
            self._progress.advance(self._task)
        elif not outcome.ok or (outcome.review and outcome.review.get("backup")):  # quiet: a lost verdict is news
            self.console.print(line, soft_wrap=True)


def review_note(review: dict[str, Any] | None) -> str | None:
    """What became of a coach's review when its session was redone (see :attr:`Outcome.review`)."""
    if not review:
        return None
    if review.get("error"):
        note = f"coach review not carried over: {review['error']}"
    else:
        kept, unmatched = review["kept"], review["unmatched"]
        note = f"coach review: {kept} verdict{'' if kept == 1 else 's'} kept"
        if unmatched:
            note += f", {unmatched} no longer match{'es' if unmatched == 1 else ''} a flag"
    if review.get("backup"):
        note += f"; previous report saved as {review['backup']}"
    return note
