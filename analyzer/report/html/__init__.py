"""Self-contained HTML report: one offline page per session for candidates and coaches.

Design (why it is built this way):

* **The page is built from the report JSON**, i.e. the dict of
  :func:`analyzer.report.json.report_to_dict` (or a ``REPORT.json`` loaded from disk), never from
  the dataclasses. :func:`~analyzer.report.html.page.page_model` turns that dict into a view model
  (text segments with the classes of every covering annotation, flag cards, scorecard, chart and
  timeline geometry), and
  the Jinja2 template ``templates/report.html.j2`` renders it **server-side** with autoescape on,
  so transcript text is always escaped and the page reads and prints without JavaScript.
* The same report dict is embedded verbatim in ``<script type="application/json" id="report-data">``
  (serialised with Jinja's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``). The inline
  script (``templates/report.js``) only adds behaviour: seeking the audio from words, flags and
  the timeline, highlighting evidence, and the coach review (agree/disagree/comment, exported as a
  JSON file that ``interview-analyzer review import`` merges into the report). It writes data only
  through ``textContent``/``value``, never ``innerHTML``. A ``Content-Security-Policy`` allows just
  that one script (by hash), so markup smuggled into a transcript could not run even if it escaped.
* A later server-backed review app reuses :func:`page_model` and the template unchanged: it serves
  the rendered page for a stored report and, instead of downloading the review, POSTs the very
  same review document (see ``analyzer/report/schema/review.schema.json``) to its own endpoint.

Audio: with a recording, the page gets an ``<audio>`` player whose source is the recording
embedded as a ``data:`` URI when it is at most ``embed-audio-max-mb`` (config table ``report``,
default 10; 0 never embeds), else a path relative to the HTML file (``out_path``), else an
absolute ``file:`` URI. The recording is the input itself, or the one a transcript names when it lies
beside the transcript and decodes as audio (:func:`_audio_path`): a file a transcript merely names
(``"audio": {"path": "/etc/passwd"}``) never reaches the page.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import quote

from analyzer.config import DEFAULT_EMBED_AUDIO_MAX_MB
from analyzer.datamodel import Report
from analyzer.errors import ConfigError
from analyzer.report.html.page import page_model
from analyzer.report.html.segments import css_kind, fmt_num, fmt_time, humanize
from analyzer.report.json import report_to_dict

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger("analyzer")

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


# ---------------------------------------------------------------------------------------------
# Audio source


def _audio_path(report: "Report | Mapping[str, Any]") -> Path | None:
    """The recording the page may play: the input itself when it was a recording, or the recording a
    transcript names when it lies beside the transcript and decodes as audio. Any other file a
    transcript (or a report file) merely names is never read: a shared page would carry it."""
    from analyzer.readers import AUDIO_EXTENSIONS

    transcript = getattr(report, "transcript", None)
    info = report.input if hasattr(report, "input") else report.get("input", {})  # type: ignore[union-attr]
    source = (transcript.source if transcript is not None else None) or info.get("path")
    if transcript is not None and transcript.audio is not None and transcript.audio.path:
        named = Path(transcript.audio.path)
        if source and Path(source).suffix.lower() in AUDIO_EXTENSIONS and _same_file(named, Path(source)):
            return named  # the recording given as input, decoded by the pipeline
        if not named.exists():
            return named  # the page says the recording was not found
        if source and _beside(named, Path(source)) and _decodes_as_audio(named):
            return named
        log.warning("%s: not put in the HTML report: a transcript's recording must lie beside it and be audio", named)
        return None
    path = info.get("path")
    if path and Path(path).suffix.lower() in AUDIO_EXTENSIONS:
        if isinstance(report, Report) or not Path(path).exists() or _decodes_as_audio(Path(path)):
            return Path(path)
        log.warning("%s: not put in the HTML report: it is not audio", path)
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _beside(named: Path, transcript: Path) -> bool:
    try:
        return named.resolve().parent == transcript.resolve().parent and named.is_file()
    except (OSError, RuntimeError):
        return False


def _decodes_as_audio(path: Path) -> bool:
    """Does FFmpeg (PyAV) find an audio track in ``path`` and decode a first frame of it?"""
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                return False
            return next(iter(container.decode(audio=0)), None) is not None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError):
        return False


def embed_limit_mb(settings: Mapping[str, Any] | None) -> float:
    """``embed-audio-max-mb`` from the ``report`` settings table (or a whole settings mapping)."""
    table = (settings or {}).get("report", settings or {})
    value = table.get("embed-audio-max-mb", DEFAULT_EMBED_AUDIO_MAX_MB) if isinstance(table, Mapping) else None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"report.embed-audio-max-mb must be a number of megabytes >= 0, got {value!r}")
    return float(value)


def audio_source(audio: Path, out_path: Path | None, max_embed_mb: float) -> str | None:
    """A ``data:`` URI for a small recording, else a URL relative to the page, else a ``file:`` URI."""
    if not audio.is_file():
        return None
    if audio.stat().st_size <= max_embed_mb * 1024 * 1024:
        mime = mimetypes.guess_type(audio.name)[0] or "application/octet-stream"
        if audio.suffix.lower() in (".ogg", ".oga", ".opus"):
            mime = "audio/ogg"
        return f"data:{mime};base64,{base64.b64encode(audio.read_bytes()).decode('ascii')}"
    if out_path is not None:
        rel = os.path.relpath(audio.resolve(), Path(out_path).resolve().parent)
        return quote(Path(rel).as_posix())
    return audio.resolve().as_uri()


# ---------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=1)
def _environment() -> "jinja2.Environment":
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(time=fmt_time, num=fmt_num, humanize=humanize, css_kind=css_kind)
    return env


def _script() -> str:
    return (TEMPLATE_DIR / "report.js").read_text(encoding="utf-8")


def render_page(model: Mapping[str, Any]) -> str:
    """Render a :func:`page_model` with the template (the inline script is allowed by its hash)."""
    script = _script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html.j2").render(
        **model, script=script, script_hash=f"sha256-{digest}", css=css)


def render_html(
    report: "Report | Mapping[str, Any]",
    *,
    out_path: Path | str | None = None,
    audio_path: Path | str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> str:
    """The HTML page for ``report`` (a :class:`Report` or its JSON dict).

    ``out_path`` is where the page will be written (audio too big to embed is linked relative to
    it); ``audio_path`` overrides the recording found in the report; ``settings`` is the
    configuration's settings (its ``report`` table) or that table itself.
    """
    data = report_to_dict(report) if isinstance(report, Report) else dict(report)
    max_embed_mb = embed_limit_mb(settings)
    audio = Path(audio_path) if audio_path is not None else _audio_path(report)
    src = None
    if audio is not None:
        src = audio_source(audio, Path(out_path) if out_path is not None else None, max_embed_mb)
        if src is None:
            log.warning("recording %s not found: the HTML report has no audio player", audio)
    model = page_model(data, audio_src=src)
    model["audio_missing"] = str(audio) if audio is not None and src is None else None
    return render_page(model)
