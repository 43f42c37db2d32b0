"""The HTML report: segments, escaping and audio sources in Python; behaviour in real headless Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import time
from pathlib import Path

import jsonschema
import pytest
from html_fixtures import A1, build_report, write_wav
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import ConfigError
from analyzer.report import EXTENSIONS, RENDERERS, render
from analyzer.report.html import audio_source, render_html
from analyzer.report.html.page import page_model
from analyzer.report.html.segments import build_segments
from analyzer.report.json import report_to_dict
from analyzer.report.review import REVIEW_SCHEMA, merge_review

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE = 'Fine. <script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> & </p><b>bold</b>'


# ---------------------------------------------------------------------------------------------
# Pure Python


def test_overlapping_annotations_become_flat_segments_with_every_covering_kind():
    text = "um I was like responsible"
    anns = [
        {"kind": "task", "start": 3, "end": 25, "text": text[3:25]},
        {"kind": "filler", "start": 0, "end": 2, "text": "um"},
        {"kind": "filler", "start": 9, "end": 13, "text": "like"},
        {"kind": "hedge", "start": 5, "end": 13, "text": text[5:13]},
    ]
    segments = build_segments(text, anns)
    assert "".join(s.text for s in segments) == text
    assert all(a.end == b.start for a, b in zip(segments, segments[1:]))
    kinds = {s.text: s.kinds for s in segments}
    assert kinds == {"um": ["filler"], " ": [], "I ": ["task"], "was ": ["task", "hedge"],
                     "like": ["task", "filler", "hedge"], " responsible": ["task"]}
    assert [m["text"] for s in segments for m in s.markers] == ["T"], "STAR parts get a lettered badge"


def test_segments_carry_word_times_and_ignore_broken_offsets():
    text = "one two"
    words = [{"text": "one", "start": 0, "end": 3, "start_s": 1.0, "end_s": 1.3},
             {"text": "two", "start": 4, "end": 7, "start_s": 1.5, "end_s": 1.8}]
    bad = [{"kind": "filler", "start": 5, "end": 99, "text": "?"}, {"kind": "filler", "start": 4, "end": 2, "text": ""}]
    segments = build_segments(text, bad, words, points=[5])
    assert [(s.text, s.time_s, s.word_index) for s in segments] == [
        ("one", 1.0, 0), (" ", None, None), ("t", 1.5, 1), ("wo", 1.5, 1)]
    assert not any(s.kinds for s in segments)


def test_unknown_annotation_kinds_get_a_labelled_badge_and_a_legend_entry():
    report = report_to_dict(build_report())
    report["answers"][1]["annotations"].append({"kind": "jargon_term", "start": 0, "end": 1, "text": "I"})
    model = page_model(report, rules={})
    segment = model["answers"][1]["segments"][0]
    assert segment.css == "k-hedge k-jargon-term" and segment.markers[0]["text"] == "Jargon term"
    assert model["legend"][-1]["label"] == "Jargon term" and model["legend"][-1]["css"] == "jargon-term"


def test_page_model_explains_flags_and_scores():
    model = page_model(report_to_dict(build_report()), rules={})
    flag = model["answers"][0]["flags"][0]
    assert flag["measured"] == "4.3 fillers per 100 words, above the threshold of 3"
    assert model["answers"][1]["flags"][0]["measured"] == "22 enthusiasm score, below the threshold of 40"
    assert flag["time_s"] == model["answers"][0]["answer"]["words"][0]["start_s"]
    assert {c["code"]: (c["passed"], c["checked"]) for c in model["scorecard"]["checks"]}["employer-negativity"] == (1, 2)
    star = model["charts"]["star"][0]
    assert [p["present"] for p in star["parts"]] == [True, True, True, True]
    # in the order the rules are registered (checks/__init__.py), long pauses last
    assert [k["kind"] for k in model["legend"]] == ["filler", "hedge", "situation", "task", "action", "result",
                                                     "negativity", "pause"]
    assert model["timeline"]["markers"] and model["timeline"]["silences"]


@pytest.mark.parametrize("end_s", [float("nan"), float("inf"), 1e12, 0.0])
def test_times_no_recording_has_give_no_timeline_instead_of_a_crash(end_s: float):
    # the tick step was next() over steps up to 1e9 s: a session over 12e9 s ended it with StopIteration
    data = report_to_dict(build_report())
    data["timeline"]["turns"] = [{**t, "start_s": 0.0, "end_s": end_s} for t in data["timeline"]["turns"]]
    data["timeline"]["silences"] = []
    data["input"].pop("duration_s", None)
    assert page_model(data)["timeline"] is None
    assert "Session timeline" not in render_html(data)


def test_pace_chart_shows_each_answers_words_per_minute_metric():
    # The pace chart, the JSON/Markdown metric and the batch summary all count words per minute of
    # speaking time (the answer minus measured silences), so a long pause does not lower the pace.
    from analyzer.pipeline import Analyzer

    report = report_to_dict(Analyzer().analyze_transcript(build_report().transcript))
    metrics = [a["metrics"]["rambling"] for a in report["answers"]]
    assert metrics[0]["speech_s"] < metrics[0]["duration_s"], "the fixture has a 2.7 s silence in q1"
    rows = page_model(report, rules={})["charts"]["rows"]
    assert [round(r["wpm"], 1) for r in rows] == [m["words_per_minute"] for m in metrics]
    assert f"{metrics[0]['words_per_minute']:.0f} wpm" in render_html(report)


def test_measured_line_reads_as_english_for_one_part_and_for_seconds():
    report = report_to_dict(build_report())
    flag = report["answers"][0]["flags"][0]
    flag.update(measure="star_parts_present", value=1, threshold=4)
    assert page_model(report, rules={})["answers"][0]["flags"][0]["measured"] == (
        "1 star part present, below the threshold of 4")
    flag.update(value=3)
    assert page_model(report, rules={})["answers"][0]["flags"][0]["measured"] == (
        "3 star parts present, below the threshold of 4")
    flag.update(measure="duration_s", value=200.0, threshold=150.0)  # rambling's time limit
    assert page_model(report, rules={})["answers"][0]["flags"][0]["measured"] == (
        "200 s long, above the threshold of 150 s")


def test_star_chart_marks_an_action_told_only_with_we():
    # The STAR check counts an Action told only with "we" as missing although it is highlighted;
    # the chart says so instead of showing a plain "missing".
    report = report_to_dict(build_report())
    report["answers"][0]["metrics"]["star"] = {"missing": ["action"], "action_we_share": 1.0, "actions_only_we": True}
    parts = {p["part"]: p for p in page_model(report, rules={})["charts"]["star"][0]["parts"]}
    assert (parts["action"]["present"], parts["action"]["we_only"]) == (False, True)
    assert (parts["situation"]["present"], parts["situation"]["we_only"]) == (True, False)
    page = render_html(report)
    assert '<rect class="star-cell k-action we-only"' in page and "~ A " in page


def test_untrusted_text_is_escaped_in_markup_and_embedded_json():
    page = render_html(build_report(answer_text=HOSTILE))
    assert "<script>window.pwned" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and json.loads(data)["answers"][0]["answer"]["text"] == HOSTILE
    assert page.count("<script") == 2, "the data block and the page's own script only"


def test_audio_is_embedded_when_small_else_linked_relative_to_the_page(tmp_path: Path):
    (tmp_path / "rec").mkdir()
    wav = write_wav(tmp_path / "rec" / "s.wav", 0.5)
    embedded = audio_source(wav, None, max_embed_mb=1)
    assert embedded.startswith("data:audio/") and base64.b64decode(embedded.split(",", 1)[1]) == wav.read_bytes()
    assert audio_source(wav, tmp_path / "out" / "s.html", max_embed_mb=0) == "../rec/s.wav"
    assert audio_source(wav, None, max_embed_mb=0) == wav.resolve().as_uri()
    assert audio_source(tmp_path / "missing.wav", None, max_embed_mb=1) is None
    assert "Recording not found" in render_html(build_report(audio_path=str(tmp_path / "missing.wav")))
    page = render_html(build_report(source=str(wav), audio_path=str(wav)), out_path=tmp_path / "out" / "s.html",
                       settings={"report": {"embed-audio-max-mb": 0}})
    assert 'src="../rec/s.wav"' in page
    with pytest.raises(ConfigError, match="embed-audio-max-mb"):
        render_html(build_report(audio_path=str(wav)), settings={"report": {"embed-audio-max-mb": "big"}})


def test_a_file_a_transcript_merely_names_is_never_embedded(tmp_path: Path, samples: Path):
    secret = tmp_path / "secret.wav"  # beside the transcript, named like a recording, but not audio
    secret.write_bytes(b"password=hunter2\n" * 50)
    passwd = Path("/etc/passwd")
    for named in (passwd, secret, Path(os.path.relpath(secret))):
        page = render_html(build_report(source=str(tmp_path / "session.json"), audio_path=str(named)))
        assert ";base64," not in page and "<audio" not in page
        assert base64.b64encode(secret.read_bytes()[:30]).decode()[:20] not in page
    beside = write_wav(tmp_path / "session.wav", 0.5)  # a real recording beside the transcript plays
    page = render_html(build_report(source=str(tmp_path / "session.json"), audio_path=str(beside)))
    assert "data:audio/" in page
    elsewhere = write_wav(tmp_path / "elsewhere.wav", 0.5)
    page = render_html(build_report(source=str(samples / "session.json"), audio_path=str(elsewhere)))
    assert ";base64," not in page
    # through the command: a JSON transcript naming /etc/passwd as its audio
    transcript = tmp_path / "named.json"
    transcript.write_text(json.dumps({
        "format": "interview-analyzer-transcript", "version": 1, "audio": {"path": str(passwd), "duration_s": 9},
        "turns": [{"speaker": "Interviewer", "text": "Why do you want this job?"},
                  {"speaker": "Candidate", "text": "I like the product and the team a lot."}]}))
    result = CliRunner().invoke(app, ["analyze", str(transcript), "--format", "html", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "named.html").read_text()
    assert ";base64," not in page and base64.b64encode(passwd.read_bytes()[:30]).decode()[:20] not in page


def test_registry_renders_html_from_a_report_or_its_json():
    assert "html" in RENDERERS and EXTENSIONS["html"] == ".html"
    report = build_report()
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>") and 'id="answer-q1"' in page
    merged = merge_review(report_to_dict(report), {"reviewer": "Kim", "report": {}, "verdicts": [
        {"answer_id": "q1", "code": "filler-words", "flag_index": 0, "verdict": "agree", "comment": "ok"}]})
    reviewed = render_html(merged)
    assert 'value="agree" checked' in reviewed and "Includes a coach review by Kim" in reviewed


def test_cli_writes_a_self_contained_page_for_a_real_transcript(samples: Path, tmp_path: Path):
    result = CliRunner().invoke(app, ["analyze", str(samples / "weak_candidate.vtt"), "--format", "html",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "weak_candidate.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no external resources"
    assert page.count('class="card panel"') == 4 and "Session timeline" in page


# ---------------------------------------------------------------------------------------------
# Real headless Chromium

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,900",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def _open(driver, page: Path) -> None:
    driver.get_log("browser")  # reading the log empties it: keep only this page's messages
    driver.get(page.as_uri())


def _click(driver, element) -> None:
    """Scroll the element clear of the sticky top bar, then click it like a user."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _wait(condition, timeout: float = 10.0):
    """Poll until ``condition()`` is truthy (the browser works asynchronously); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def _near(current: float, target: float) -> bool:
    """The player sits at ``target``, or just after it once playback has started."""
    return target - 0.05 <= current <= target + 1.0


def _screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(height + 120, 8000))
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    driver.set_window_size(1200, 900)
    assert path.stat().st_size > 10_000
    return path


@pytest.fixture(scope="module")
def session_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with a recording too big to embed, so the page links it relative to itself."""
    folder = tmp_path_factory.mktemp("session")
    report = build_report(source=str(folder / "session.wav"), audio_path=str(folder / "session.wav"))
    write_wav(folder / "session.wav", report.transcript.turns[-1].end + 1.0)
    page = folder / "reports" / "session.html"
    page.parent.mkdir()
    page.write_text(render_html(report, out_path=page, settings={"embed-audio-max-mb": 0}), encoding="utf-8")
    return page


@pytest.mark.browser
def test_page_loads_cleanly_with_highlights_flags_and_charts(browser, session_page: Path):
    from selenium.webdriver.common.by import By

    _open(browser, session_page)
    assert _errors(browser) == []
    find = browser.find_elements
    assert browser.execute_script("return document.getElementById('player').getAttribute('src')") == "../session.wav"
    duration = _wait(lambda: browser.execute_script("var p = document.getElementById('player');"
                                                    "return p.readyState >= 1 ? p.duration : 0"))
    assert duration == pytest.approx(build_report().transcript.turns[-1].end + 1.0, abs=0.05), "the recording loads"
    assert len(find(By.CSS_SELECTOR, "article.card")) == 2
    assert len(find(By.CSS_SELECTOR, "li.flag")) == 3
    card = browser.find_element(By.ID, "answer-q1")
    text = card.find_element(By.CSS_SELECTOR, ".answer-text")
    for kind in ("filler", "hedge", "negativity", "situation", "task", "action", "result", "pause"):
        assert card.find_elements(By.CSS_SELECTOR, f".answer-text .k-{kind}"), kind
    like = [el for el in card.find_elements(By.CSS_SELECTOR, ".answer-text .k-filler") if el.text == "like"]
    assert like and "k-task" in like[0].get_attribute("class"), "a filler inside a STAR part keeps both"
    segments = text.find_elements(By.CSS_SELECTOR, ".seg")
    assert "".join(el.get_attribute("textContent") for el in segments) == A1
    assert [el.text for el in text.find_elements(By.CSS_SELECTOR, ".marker")] == ["S", "T", "⚠", "‖ 2.7 s", "A", "R"]
    assert browser.find_element(By.CSS_SELECTOR, "li.flag .measure").text.startswith("MEASURED 4.3 fillers per 100 words")
    assert find(By.CSS_SELECTOR, "#timeline-svg .tl-flag") and find(By.CSS_SELECTOR, "#charts svg")
    assert browser.execute_script("return getComputedStyle(document.querySelector('.k-filler')).textDecorationStyle") == "wavy"
    _screenshot(browser, "report.png")


@pytest.mark.browser
def test_clicking_words_flags_evidence_and_timeline_seeks_the_audio(browser, session_page: Path):
    from selenium.webdriver.common.by import By

    _open(browser, session_page)

    def current() -> float:
        return browser.execute_script("return document.getElementById('player').currentTime")

    word = next(el for el in browser.find_elements(By.CSS_SELECTOR, "#answer-q1 .answer-text .seg[data-t]")
                if el.text == "billing")
    target = float(word.get_attribute("data-t"))
    _click(browser, word)
    assert _wait(lambda: _near(current(), target)), (current(), target)
    assert _wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".seg.playing")), "the spoken word is followed"

    button = browser.find_element(By.CSS_SELECTOR, "#answer-q2 li.flag .seek")
    target = float(button.get_attribute("data-t"))
    _click(browser, button)
    assert _wait(lambda: _near(current(), target)), (current(), target)

    evidence = browser.find_element(By.CSS_SELECTOR, "#answer-q1 li.flag[data-code='employer-negativity'] button.ev")
    _click(browser, evidence)
    active = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#answer-q1 .seg.ev-active"))
    assert "".join(el.get_attribute("textContent") for el in active) == "My old manager was honestly useless."
    assert _wait(lambda: _near(current(), float(evidence.get_attribute("data-t"))))

    marker = browser.find_elements(By.CSS_SELECTOR, "#timeline-svg .tl-flag")[-1]
    target = float(marker.get_attribute("data-t"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marker)
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", marker)
    assert _wait(lambda: _near(current(), target)), (current(), target)

    tick = next(el for el in browser.find_elements(By.CSS_SELECTOR, "#timeline-svg .tick-label") if el.text == "0:30")
    _click(browser, tick)  # anywhere on the timeline: the time under the pointer
    assert _wait(lambda: abs(current() - 30.0) < 1.5), current()
    assert _errors(browser) == []


@pytest.mark.browser
def test_hostile_transcript_renders_as_text_and_never_runs(browser, tmp_path: Path):
    from selenium.webdriver.common.by import By

    page = tmp_path / "hostile.html"
    page.write_text(render_html(build_report(answer_text=HOSTILE)), encoding="utf-8")
    _open(browser, page)
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main b") == []
    assert browser.find_element(By.CSS_SELECTOR, "#answer-q1 .answer-text").text == "⚠" + HOSTILE  # badge + text
    flag = browser.find_element(By.CSS_SELECTOR, "#answer-q1 li.flag")
    assert HOSTILE in flag.find_element(By.CSS_SELECTOR, ".msg").text
    assert _errors(browser) == []
    _screenshot(browser, "hostile.png")


@pytest.mark.browser
def test_coach_review_exports_a_file_that_imports_into_the_report(browser, session_page: Path, tmp_path: Path):
    from selenium.webdriver.common.by import By

    _open(browser, session_page)
    browser.execute_script("window.localStorage.clear()")
    _open(browser, session_page)
    flags = browser.find_elements(By.CSS_SELECTOR, "li.flag")
    for flag, verdict in zip(flags, ["agree", "disagree"]):
        _click(browser, flag.find_element(By.CSS_SELECTOR, f"input[value='{verdict}']"))
    flags[1].find_element(By.CSS_SELECTOR, "textarea.comment").send_keys("Said calmly; <b>fine</b>.")
    export = browser.find_element(By.ID, "export-review")
    export.click()
    assert "Enter your name" in browser.find_element(By.ID, "review-message").text
    browser.find_element(By.ID, "reviewer").send_keys("Coach Kim")
    export.click()
    assert browser.find_element(By.ID, "review-progress").text == "2 of 3 flags reviewed"
    exported = browser.downloads / "session.review.json"
    assert _wait(lambda: exported.exists() and exported.stat().st_size > 0), list(browser.downloads.iterdir())
    review = json.loads(exported.read_text())
    jsonschema.validate(review, json.loads(REVIEW_SCHEMA.read_text()))
    assert [(v["answer_id"], v["flag_index"], v["code"], v["verdict"]) for v in review["verdicts"]] == [
        ("q1", 0, "filler-words", "agree"), ("q1", 1, "employer-negativity", "disagree")]

    report_json = tmp_path / "session.json"
    report_json.write_text(json.dumps(report_to_dict(build_report(source=review["report"]["input_path"]))))
    shutil.copy(exported, tmp_path / "review.json")
    result = CliRunner().invoke(app, ["review", "import", str(tmp_path / "review.json"), str(report_json)])
    assert result.exit_code == 0, result.output
    merged = json.loads(report_json.read_text())
    assert merged["answers"][0]["flags"][1]["review"]["comment"] == "Said calmly; <b>fine</b>."

    _open(browser, session_page)  # verdicts survive a reload (kept in the browser's local storage)
    assert browser.find_element(By.ID, "reviewer").get_attribute("value") == "Coach Kim"
    assert browser.find_elements(By.CSS_SELECTOR, "li.flag[data-verdict='disagree']")
    assert _errors(browser) == []


@pytest.mark.browser
def test_saved_verdicts_do_not_move_onto_another_flag_when_the_report_is_regenerated(browser, tmp_path: Path):
    # Verdicts kept in the browser are keyed by answer and flag position; after re-running the analysis
    # with other settings, another check's flag can sit at that position and must not inherit the verdict.
    from selenium.webdriver.common.by import By

    report = report_to_dict(build_report(source=str(tmp_path / "regen.wav")))
    report["input"]["sha256"] = "cd" * 32  # its own saved review, apart from the other pages' tests
    page = tmp_path / "regen.html"
    page.write_text(render_html(report), encoding="utf-8")
    _open(browser, page)
    browser.execute_script("window.localStorage.clear()")
    _open(browser, page)
    flags = browser.find_elements(By.CSS_SELECTOR, "#answer-q1 li.flag")
    assert [f.get_attribute("data-code") for f in flags] == ["filler-words", "employer-negativity"]
    _click(browser, flags[0].find_element(By.CSS_SELECTOR, "input[value='agree']"))

    del report["answers"][0]["flags"][0]  # e.g. re-run with --ignore filler-words
    page.write_text(render_html(report), encoding="utf-8")
    _open(browser, page)
    [flag] = browser.find_elements(By.CSS_SELECTOR, "#answer-q1 li.flag")
    assert flag.get_attribute("data-code") == "employer-negativity"
    assert not flag.find_element(By.CSS_SELECTOR, "input[value='agree']").is_selected()
    assert browser.find_element(By.ID, "review-progress").text == "0 of 2 flags reviewed"
    assert _errors(browser) == []


@pytest.mark.browser
def test_print_layout_hides_controls(browser, session_page: Path):
    from selenium.webdriver.common.by import By

    _open(browser, session_page)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "review-bar").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, ".player").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "li.flag .suggestion").is_displayed()
        _screenshot(browser, "report-print.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_info_severity_icon_is_drawn_not_a_glyph_missing_from_common_fonts():
    """'ⓘ' (U+24D8) is in no DejaVu or Liberation font: it showed as an empty box. The icon is an
    inline SVG hidden from screen readers; the label's text, INFO, is its text alternative."""
    report = report_to_dict(build_report())
    report["answers"][0]["flags"][0]["severity"] = "info"
    page = render_html(report)
    assert "\u24d8" not in page
    label = re.search(r'<li class="flag sev-info".*?<span class="sev-label">(.*?)</span>', page, re.S).group(1)
    icon = re.match(r"<svg [^>]*>.*?</svg>", label, re.S)
    assert icon and 'aria-hidden="true"' in icon.group(0)
    assert label[icon.end():].strip() == "INFO"
