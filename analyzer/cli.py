"""The ``interview-analyzer`` command: a thin typer layer over :mod:`analyzer.pipeline`.

Heavy libraries load inside commands, so ``--help`` stays fast. Errors a user can cause print
one line and exit with the code documented in :class:`analyzer.errors.ExitCode`.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from analyzer import __version__
from analyzer.errors import AnalyzerError, ConfigError, ExitCode, InputError

app = typer.Typer(
    name="interview-analyzer",
    help="Analyse recorded mock job interviews: transcribe, pair questions with answers, flag rambling, "
    "filler words, negative talk about employers, missing STAR structure and low enthusiasm.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain click help: importing rich's formatting doubled the time of --help
)
log = logging.getLogger("analyzer")


def _fail(message: str, code: int) -> None:
    typer.echo(f"interview-analyzer: error: {message}", err=True)
    raise typer.Exit(code)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """AnalyzerError -> one stderr line and its exit code; anything else -> exit 5 (traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except AnalyzerError as exc:
            _fail(str(exc), int(exc.exit_code))
        except KeyboardInterrupt:
            _fail("interrupted", int(ExitCode.INTERRUPTED))
        except Exception as exc:  # noqa: BLE001 - last line of defence for users
            if _DEBUG:
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", int(ExitCode.INTERNAL))

    return wrapper


_DEBUG = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"interview-analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False,
) -> None:
    global _DEBUG
    _DEBUG = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _codes(value: Optional[str]) -> Optional[list[str]]:
    return None if value is None else [c.strip() for c in value.split(",") if c.strip()]


def _formats(value: str) -> list[str]:
    from analyzer.report import RENDERERS

    formats = list(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))  # each once
    for fmt in formats:
        if fmt not in RENDERERS:
            raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(RENDERERS)}")
    if not formats:
        raise ConfigError("--format needs at least one format")
    return formats


def _default_formats() -> str:
    from analyzer.report import RENDERERS

    return ",".join(RENDERERS)


ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="TOML configuration file (default: nearest "
                                                   "interview-analyzer.toml or pyproject.toml [tool.interview-analyzer]).")]
SelectOpt = Annotated[Optional[str], typer.Option("--select", help="Comma-separated rule codes to run (replaces the default: ALL).")]
ExtendOpt = Annotated[Optional[str], typer.Option("--extend-select", help="Rule codes to add to the selection.")]
IgnoreOpt = Annotated[Optional[str], typer.Option("--ignore", help="Comma-separated rule codes to skip.")]
EngineOpt = Annotated[Optional[str], typer.Option("--engine", help="Speech recognition engine: faster-whisper (default) or openai-whisper.")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="Whisper model name, CTranslate2 directory or .pt file (default: base; tiny.en is the smaller one).")]
ReportFormatOpt = Annotated[Optional[str], typer.Option("--format", "-f", help="Comma-separated formats: json, md, html (default: all).")]
FailOnOpt = Annotated[Optional[str], typer.Option("--fail-on", help="Exit 1 when a flag of this severity or worse is found (info, warning, error).")]
CandidateOpt = Annotated[Optional[str], typer.Option("--candidate", help="Name of the candidate's speaker label.")]
InterviewerOpt = Annotated[Optional[str], typer.Option("--interviewer", help="Name of the interviewer's speaker label.")]
QuestionsOpt = Annotated[Optional[Path], typer.Option("--questions", help="Self-practice: file with one question per line, in order.")]
SpeakersOpt = Annotated[Optional[int], typer.Option("--speakers", min=1, max=4, help="Number of voices to look for in a recording (default: estimated); one that wins no speech drops out.")]


def load_config(config: Optional[Path], select: Optional[str], extend_select: Optional[str],
                ignore: Optional[str], fail_on: Optional[str] = None):
    from analyzer import config as cfg

    return cfg.load(config, select=_codes(select), extend_select=_codes(extend_select),
                    ignore=_codes(ignore), fail_on=fail_on)


def write_output(target: Path, text: str) -> None:
    """Write an output file atomically; a target that cannot be written is one line (exit 2)."""
    from analyzer.fileio import atomic_write_text

    try:
        atomic_write_text(target, text)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"cannot write {target}: a folder on its path is a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror or exc}") from None


def check_questions_file(questions: Optional[Path]) -> None:
    if questions is not None and not questions.is_file():
        raise ConfigError(f"--questions file not found: {questions}")


def audio_overrides(engine: Optional[str], model: Optional[str], speakers: Optional[int], quiet: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"quiet": quiet}
    if engine:
        out["engine"] = engine
    if model:
        out["model"] = model
    if speakers is not None:
        out["speakers"] = speakers
    return out


@app.command()
@handle_errors
def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Transcripts (.txt .vtt .srt .json) or recordings (.wav .mp3 .m4a ...).",
                                                 show_default=False)],
    out: Annotated[str, typer.Option("--out", "-o", help="Output directory, or '-' for stdout (one input, one format).")] = "reports",
    format: ReportFormatOpt = None,
    config: ConfigOpt = None,
    select: SelectOpt = None,
    extend_select: ExtendOpt = None,
    ignore: IgnoreOpt = None,
    fail_on: FailOnOpt = None,
    candidate: CandidateOpt = None,
    interviewer: InterviewerOpt = None,
    questions: QuestionsOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    speakers: SpeakersOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse interview recordings or transcripts and write one report per input and format."""
    from analyzer.pipeline import Analyzer
    from analyzer.report import EXTENSIONS, render

    formats = _formats(format or _default_formats())
    cfg = load_config(config, select, extend_select, ignore, fail_on)
    inputs = _without_sidecars(inputs)
    to_stdout = out == "-"
    if to_stdout and (len(inputs) != 1 or len(formats) != 1):
        raise ConfigError("--out - writes to stdout and needs exactly one input and one --format")
    stems = [p.stem for p in inputs]
    duplicates = {s for s in stems if stems.count(s) > 1}
    if duplicates and not to_stdout:
        raise ConfigError(f"inputs share the file name {sorted(duplicates)[0]!r}; their reports would collide "
                          "(analyse them separately or use 'interview-analyzer batch')")
    check_questions_file(questions)
    if not to_stdout and Path(out).exists() and not Path(out).is_dir():
        raise ConfigError(f"--out {out} is a file, not a directory")

    analyzer = Analyzer(cfg, audio=audio_overrides(engine, model, speakers, quiet))
    failed: list[ExitCode] = []
    findings = False
    for path in inputs:
        targets = {fmt: None if to_stdout else Path(out) / f"{path.stem}{EXTENSIONS[fmt]}" for fmt in formats}
        try:  # every format is rendered before any is written: an input gets all its reports or none
            report = analyzer.analyze(path, questions=questions, candidate=candidate, interviewer=interviewer)
            texts = {fmt: render(report, fmt, out_path=target, settings=cfg.settings) for fmt, target in targets.items()}
        except Exception as exc:  # noqa: BLE001 - with several inputs, one failure must not stop the others
            if len(inputs) == 1:
                raise
            failed.append(_report_failure(path, exc))
            continue
        for fmt, text in texts.items():
            target = targets[fmt]
            if target is None:
                sys.stdout.write(text)
            else:
                write_output(target, text)
                typer.echo(f"wrote {target}", err=True)
        findings = findings or cfg.fails(report.summary.get("worst_severity"))
    if failed:
        raise typer.Exit(int(max(failed)))  # an internal error (5) outranks bad input (3)
    if findings:
        raise typer.Exit(int(ExitCode.FINDINGS))


def _report_failure(path: Path, exc: Exception) -> ExitCode:
    """One stderr line for an input that failed among several (a traceback too with --debug): an error we
    can explain, with its own exit code (3 for bad input, 4 for a missing model), or an internal error (5)."""
    if isinstance(exc, AnalyzerError):
        typer.echo(f"interview-analyzer: error: {exc}", err=True)
        return exc.exit_code
    if _DEBUG:
        import traceback

        traceback.print_exception(exc)
    typer.echo(f"interview-analyzer: error: {path}: internal error: {type(exc).__name__}: {exc} "
               "(rerun with --debug for details)", err=True)
    return ExitCode.INTERNAL


def _without_sidecars(inputs: list[Path]) -> list[Path]:
    """The inputs less sidecar files (``<name>.questions.txt``, ``.meta.toml``, ``.reference.json``,
    as a glob such as ``*.txt`` picks them up), each skipped with a note; only sidecars is an error."""
    from analyzer.batch import sidecar_suffix

    sessions = [p for p in inputs if sidecar_suffix(p.name) is None]
    for path in inputs:
        kind = sidecar_suffix(path.name)
        if kind is not None:
            note = (f"{path}: a sidecar file (*{kind}), not an interview; give a questions list "
                    "with --questions ('interview-analyzer batch' applies sidecars beside their sessions)")
            if not sessions:
                raise InputError(note)
            typer.echo(f"skipped {note}", err=True)
    return sessions


@app.command()
@handle_errors
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Folders (searched recursively), files or glob patterns such as "
                                                "'sessions/**/*.wav' (quote them). Sidecars <name>.questions.txt and "
                                                "<name>.meta.toml are applied, never analysed.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory: reports mirror the input folders, plus "
                                      "summary.csv, summary.json, errors.json and index.html.")],
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes, each loading the models "
                                                "once (default: usable cores, at most 2; 1 runs in this process).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Analyse every session again, even when its finished report "
                                        "matches the input, configuration and version.")] = False,
    format: ReportFormatOpt = None,
    config: ConfigOpt = None,
    select: SelectOpt = None,
    extend_select: ExtendOpt = None,
    ignore: IgnoreOpt = None,
    fail_on: FailOnOpt = None,
    candidate: CandidateOpt = None,
    interviewer: InterviewerOpt = None,
    questions: QuestionsOpt = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    speakers: SpeakersOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or per-session lines; failures are still printed.")] = False,
    ray: Annotated[Optional[str], typer.Option("--ray", metavar="ADDRESS", help="Run on the Ray cluster at ADDRESS "
                                               "('auto' or HOST:PORT), one actor per CPU (--jobs caps them); inputs "
                                               "and --out on paths every node sees. Needs the [ray] extra.",
                                               show_default=False)] = None,
) -> None:
    """Analyse folders of sessions in parallel; resumable (finished sessions are skipped).

    Sidecars win over the batch-wide options: <name>.questions.txt over --questions, a <name>.meta.toml naming a speaker over --candidate/--interviewer.

    Every session is analysed and written; then exit 3 if any failed, else 1 if --fail-on was reached, else 0."""
    from analyzer.batch import ConsoleProgress, SessionDefaults, default_jobs, run_batch

    formats = _formats(format or _default_formats())
    cfg = load_config(config, select, extend_select, ignore, fail_on)
    check_questions_file(questions)
    defaults = SessionDefaults(str(questions) if questions else None, candidate, interviewer)
    with ConsoleProgress(quiet) as progress:
        result = run_batch(inputs, out, cfg, audio=audio_overrides(engine, model, speakers, True), formats=formats,
                           jobs=jobs if ray else jobs or default_jobs(), force=force, ray=ray,
                           defaults=defaults, on_start=progress.start,
                           on_outcome=progress.outcome)
    failed = len(result.failed)
    reused = sum(1 for o in result.outcomes.values() if o.ok and o.reused)
    findings = result.findings(cfg)
    reached = f", {len(findings)} with flags at or above {cfg.fail_on}" if cfg.fail_on else ""
    typer.echo(f"{len(result.sessions)} sessions: {len(result.sessions) - failed} ok ({reused} unchanged), "
               f"{failed} failed{reached}; summary in {out / 'index.html'}", err=True)
    if failed:
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    if findings:
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
@handle_errors
def rules(
    code: Annotated[Optional[str], typer.Argument(help="Show one rule in full.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """List every flag code, or explain one (as 'ruff rule' does)."""
    from analyzer.checks import rules as all_rules
    from analyzer.checks.docs import rule_dict, rule_text

    known = all_rules()
    if code is not None and code not in known:
        raise ConfigError(f"unknown rule code {code!r}; known codes: {', '.join(known)}")
    chosen = [known[code]] if code else list(known.values())
    if output_format == "json":
        payload = [rule_dict(r) for r in chosen]
        typer.echo(json.dumps(payload[0] if code else payload, indent=2, ensure_ascii=False))
        return
    if output_format != "text":
        raise ConfigError("--format must be text or json")
    if not code:
        width = max(len(r.code) for r in chosen)
        for r in chosen:
            typer.echo(f"{r.code:<{width}}  {r.severity:<7}  {r.summary}")
        return
    typer.echo(rule_text(chosen[0]))


@app.command("config")
@handle_errors
def show_config(
    config: ConfigOpt = None,
    select: SelectOpt = None,
    extend_select: ExtendOpt = None,
    ignore: IgnoreOpt = None,
) -> None:
    """Print the configuration in effect (file, rules, options) as JSON."""
    cfg = load_config(config, select, extend_select, ignore)
    typer.echo(json.dumps({"file": str(cfg.path) if cfg.path else None, "fail_on": cfg.fail_on,
                           **cfg.fingerprint()}, indent=2))


def _register_workspace() -> None:
    from analyzer.workspace.commands import register

    register(app, handle_errors)


_register_workspace()

review_app = typer.Typer(help="Coach reviews made in the HTML report.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("import")
@handle_errors
def review_import(
    review_file: Annotated[Path, typer.Argument(help="Review exported from the HTML report (REVIEW.json).", show_default=False)],
    report_file: Annotated[Path, typer.Argument(help="The session's JSON report to merge it into.", show_default=False)],
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write the reviewed report's HTML page here (it "
                                                 "shows the verdicts and comments), e.g. the session's .html report.",
                                                 show_default=False)] = None,
) -> None:
    """Merge a coach's verdicts into a JSON report, beside the tool's flags."""
    from analyzer.report.review import import_review, load_report

    summary = import_review(review_file, report_file)
    n, total = summary["imported"], summary["verdicts"]
    line = f"merged {n} verdict{'' if n == 1 else 's'} by {summary['reviewer']} into {report_file}"
    if total != n:  # earlier imports reviewed other flags too
        line += f" ({total} reviewed flag{'' if total == 1 else 's'} in the report now)"
    typer.echo(line, err=True)
    if html is not None:
        from analyzer.report.html import render_html

        write_output(html, render_html(load_report(report_file), out_path=html))
        typer.echo(f"wrote {html}", err=True)


@app.command()
@handle_errors
def followup(
    report_file: Annotated[Path, typer.Argument(help="The session's JSON report.", show_default=False)],
    sources: Annotated[bool, typer.Option("--sources", help="Name after each sentence where in the report "
                                          "it comes from.")] = False,
) -> None:
    """Print a thank-you email draft built from a session's report (deterministic, offline)."""
    from analyzer.report.followup import followup_note
    from analyzer.report.review import load_report

    typer.echo(followup_note(load_report(report_file)).text(sources=sources), nl=False)


@app.command()
@handle_errors
def transcribe(
    audio: Annotated[Path, typer.Argument(help="Recording to transcribe (.wav .mp3 .m4a .flac .ogg .webm .mp4 ...).",
                                          show_default=False)],
    format: Annotated[str, typer.Option("--format", "-f", help="Output format: json, vtt, srt or txt ('Speaker: text' lines).")] = "json",
    out: Annotated[str, typer.Option("--out", "-o", help="Output file, or a directory (writes <stem>.<format> there), or '-' for stdout.")] = "-",
    engine: EngineOpt = None,
    model: ModelOpt = None,
    speakers: SpeakersOpt = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Transcribe a recording with word timings and who spoke when, and export the timed transcript."""
    from analyzer.asr.export import EXTENSIONS, FORMATS, export
    from analyzer.readers import check_input_path
    from analyzer.recording import read_recording

    fmt = format.strip().lower()
    if fmt not in FORMATS:
        raise ConfigError(f"unknown transcript format {format!r}; choose from {', '.join(FORMATS)}")
    settings = {**load_config(config, None, None, None).settings.get("audio", {}),
                **audio_overrides(engine, model, speakers, quiet)}
    check_input_path(audio)
    transcript, _ = read_recording(audio, settings)
    text = export(transcript, fmt)
    if out == "-":
        sys.stdout.write(text)
        return
    target = Path(out)
    if target.is_dir() or out.endswith(("/", "\\")):
        target = target / f"{audio.stem}{EXTENSIONS[fmt]}"
    write_output(target, text)
    typer.echo(f"wrote {target}", err=True)


def main() -> None:
    app()
