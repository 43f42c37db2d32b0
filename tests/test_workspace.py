"""The coach workspace against a real server process (SQLite): who sees what, CSRF, uploads, the API,
exports that `review import` reads, and the whole coach -> candidate flow in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workspace extra is not installed: pip install '.[workspace]'")

from workspace_helpers import PASSWORD, Server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_transcripts"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE_NAME = '<img src=x onerror="window.pwned=5">.txt'
HOSTILE = (
    "Interviewer: Tell me about a time you handled a conflict <script>window.pwned=1</script> at work?\n"
    'Candidate: Um, honestly my old boss was terrible <img src=x onerror="window.pwned=2"> and the company was a '
    "disaster, I hated working there and everyone was useless. {{7*7}} </script><script>window.pwned=3</script> "
    '"><svg onload="window.pwned=4"> So I left.\n'
    "Interviewer: Why do you want this job?\n"
    "Candidate: I guess, um, like, I don't know, it's fine I suppose.\n"
)
HOSTILE_COMMENT = '<script>window.pwned=6</script><img src=x onerror="window.pwned=7">'
USERS = {"admin@t.test": ("admin", None), "coach1@t.test": ("coach", None), "coach2@t.test": ("coach", None),
         "cand1@t.test": ("candidate", "coach1@t.test"), "cand2@t.test": ("candidate", "coach2@t.test"),
         "cand3@t.test": ("candidate", None), "locked@t.test": ("candidate", None)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("workspace")
    srv = Server(root / "data", tmp_path_factory.getbasetemp() / "cache", max_upload_mb=2)
    for email, (role, coach) in USERS.items():
        srv.add_user(email, role, coach)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def sessions(server: Server) -> dict[str, int]:
    """s1: cand1's session uploaded by coach1; s2: cand2's hostile transcript uploaded by coach2."""
    coach1, coach2 = server.client("coach1@t.test"), server.client("coach2@t.test")
    s1 = coach1.upload("weak.vtt", (SAMPLES / "weak_candidate.vtt").read_bytes(), "cand1@t.test")
    s2 = coach2.upload(HOSTILE_NAME, HOSTILE.encode(), "cand2@t.test")
    assert s1.status_code == 201 and s2.status_code == 201, (s1.text, s2.text)
    ids = {"s1": s1.json()["id"], "s2": s2.json()["id"]}
    for client, key in ((coach1, "s1"), (coach2, "s2")):
        status = client.wait_done(ids[key])
        assert status["status"] == "done", (status, server.log_text())
    return ids


def test_health_needs_no_login_and_the_api_needs_one(server: Server):
    anonymous = server.client()
    assert anonymous.get("/healthz").json()["status"] == "ok"
    for method, url in [("GET", "/api/sessions"), ("GET", "/api/sessions/1"), ("GET", "/api/sessions/1/report"),
                        ("POST", "/api/sessions/1/reviews"), ("POST", "/api/sessions"), ("GET", "/api/me"),
                        ("GET", "/api/reviews.csv"), ("GET", "/api/agreement")]:
        assert anonymous.request(method, url).status_code == 401, url
    page = anonymous.get("/dashboard")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    spec = anonymous.get("/openapi.json").json()
    for path in ("/api/login", "/api/sessions", "/api/sessions/{session_id}", "/api/sessions/{session_id}/report",
                 "/api/sessions/{session_id}/reviews"):
        assert path in spec["paths"], path


def test_wrong_password_is_401_and_failures_are_rate_limited(server: Server):
    client = server.client()
    codes = [client.login("locked@t.test", "wrong-password").status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    limited = client.login("locked@t.test", PASSWORD)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1, "even the right password waits"
    assert server.client().login("cand1@t.test", PASSWORD).status_code == 200, "other accounts are not locked"


def test_each_role_sees_exactly_its_sessions_even_by_guessing_ids(server: Server, sessions: dict[str, int]):
    s1, s2 = sessions["s1"], sessions["s2"]
    expected = {"admin@t.test": {s1, s2}, "coach1@t.test": {s1}, "coach2@t.test": {s2}, "cand1@t.test": {s1},
                "cand2@t.test": {s2}, "cand3@t.test": set()}
    assert all(server.client().login(email).status_code == 200 for email in expected)
    guesses = [s1, s2, s2 + 1000, 0, -1]
    for email, visible in expected.items():
        client = server.client(email)
        assert {s["id"] for s in client.get("/api/sessions").json()} == visible, email
        for sid in guesses:
            want = 200 if sid in visible else 404
            for url in (f"/api/sessions/{sid}", f"/api/sessions/{sid}/report", f"/api/sessions/{sid}/reviews",
                        f"/sessions/{sid}", f"/sessions/{sid}/report.json"):
                assert client.get(url).status_code == want, (email, url)
            assert client.get(f"/sessions/{sid}/audio").status_code == 404, "transcripts have no audio"
    # candidate pages: a coach's own candidates, a candidate only their own page
    ids = {s["candidate"]: None for s in server.client("admin@t.test").get("/api/sessions").json()}
    assert ids
    admin_page = server.client("admin@t.test").get("/dashboard").text
    candidate_ids = {m.group(2): int(m.group(1)) for m in re.finditer(r'/candidates/(\d+)">([^<]+)<', admin_page)}
    for email, allowed in {"coach1@t.test": {"cand1@t.test"}, "cand2@t.test": {"cand2@t.test"},
                           "cand3@t.test": {"cand3@t.test"}}.items():
        client = server.client(email)
        for candidate, cid in candidate_ids.items():
            assert client.get(f"/candidates/{cid}").status_code == (200 if candidate in allowed else 404)
    assert server.client("coach1@t.test").get("/api/agreement").status_code == 404, "admins only"
    assert server.client("admin@t.test").get("/api/agreement").status_code == 200


def test_reviews_need_the_csrf_token_and_a_reviewer_who_may_see_the_session(server: Server, sessions: dict[str, int]):
    s1 = sessions["s1"]
    coach1 = server.client("coach1@t.test")
    answer_id, index, code = coach1.flags(s1)[0]
    body = {"answer_id": answer_id, "flag_index": index, "flag_code": code, "verdict": "agree", "comment": "ok"}
    assert coach1.post(f"/api/sessions/{s1}/reviews", json=body).status_code == 403, "no CSRF header"
    assert coach1.post(f"/api/sessions/{s1}/reviews", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert server.client("coach2@t.test").send_json("POST", f"/api/sessions/{s1}/reviews", body).status_code == 404
    assert server.client("cand1@t.test").send_json("POST", f"/api/sessions/{s1}/reviews", body).status_code == 403
    wrong = {**body, "flag_code": "not-this-one"}
    assert coach1.send_json("POST", f"/api/sessions/{s1}/reviews", wrong).status_code == 422
    assert coach1.send_json("POST", f"/api/sessions/{s1}/reviews", body).status_code == 200
    # forms: logout and upload without the token are refused; the login form needs its cookie token
    assert coach1.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert coach1.post("/sessions", files={"file": ("a.txt", b"Q: hi?\nA: yes.\n")},
                       data={"candidate": "cand1@t.test"}).status_code == 403
    assert server.client().post("/login", data={"email": "coach1@t.test", "password": PASSWORD}).status_code == 403


def test_uploads_are_typed_by_content_bounded_and_stored_under_generated_names(server: Server):
    coach1 = server.client("coach1@t.test")
    before = set((server.data / "sessions").iterdir())
    traversal = coach1.upload("../../../../escaped.txt", (SAMPLES / "strong_candidate.txt").read_bytes(), "cand1@t.test")
    assert traversal.status_code == 201 and traversal.json()["title"] == "escaped.txt"
    backslash = coach1.upload("..\\..\\escaped2.txt", b"Q: Why?\nA: Because.\n", "cand1@t.test")
    assert backslash.status_code == 201 and backslash.json()["title"] == "escaped2.txt"
    new = set((server.data / "sessions").iterdir()) - before
    assert len(new) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", p.name) for p in new)
    assert {q.name for p in new for q in p.iterdir()} <= {"input.txt"}
    assert not list(server.data.parent.rglob("escaped*")), "nothing is written where the name points"
    fakes = {"elf.wav": b"\x7fELF\x02\x01\x01" + bytes(200), "png.ogg": b"\x89PNG\r\n\x1a\n" + bytes(300),
             "binary.txt": bytes(range(256)) * 4, "zeros.mp3": bytes(4096)}
    for name, content in fakes.items():
        assert coach1.upload(name, content, "cand1@t.test").status_code == 415, name
    assert coach1.upload("empty.txt", b"", "cand1@t.test").status_code == 400
    big = coach1.upload("big.txt", b"Q: a?\nA: b.\n" * 300_000, "cand1@t.test")
    assert big.status_code == 413
    assert coach1.upload("x.txt", b"Q: a?\nA: b.\n", "cand2@t.test").status_code == 404, "not coach1's candidate"
    assert coach1.upload("x.txt", b"Q: a?\nA: b.\n").status_code == 422, "a coach names the candidate"
    assert set((server.data / "sessions").iterdir()) - before == new, "refused uploads leave no folder"
    assert not list((server.data / "tmp").iterdir()), "and no temporary file"
    own = server.client("cand3@t.test").upload("mine.txt", b"Q: Why?\nA: Because.\n", "cand1@t.test")
    assert own.status_code == 201 and own.json()["candidate"] == "cand3@t.test", "a candidate's upload is their own"


def test_recordings_are_recognised_by_content_and_streamed_with_ranges(server: Server, tmp_path: Path):
    import wave

    path = tmp_path / "tone.bin"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(bytes(32000))
    coach1 = server.client("coach1@t.test")
    created = coach1.upload("recording.dat", path.read_bytes(), "cand1@t.test")
    assert created.status_code == 201, created.text
    folder = next(p for p in (server.data / "sessions").iterdir() if (p / "input.wav").exists())
    assert folder.is_dir(), "stored as a WAV by its content, whatever the name said"
    partial = coach1.get(f"/sessions/{created.json()['id']}/audio", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.content) == 100
    assert server.client("coach2@t.test").get(f"/sessions/{created.json()['id']}/audio").status_code == 404


def test_failed_analysis_reports_one_line(server: Server):
    coach1 = server.client("coach1@t.test")
    sid = coach1.upload("nobody.txt", b"Interviewer: Tell me about yourself?\nInterviewer: And why this job?\n", "cand1@t.test").json()["id"]
    status = coach1.wait_done(sid)
    assert status["status"] == "failed" and status["error"] and "\n" not in status["error"]
    assert "sessions/" not in status["error"], "the stored path is not shown"


def test_exports_merge_reviews_in_the_review_import_format(server: Server, sessions: dict[str, int], tmp_path: Path):
    from analyzer.report.review import import_review

    s1 = sessions["s1"]
    coach1 = server.client("coach1@t.test")
    flags = coach1.flags(s1)
    for (answer_id, index, code), verdict in zip(flags[:2], ("agree", "disagree")):
        response = coach1.send_json("POST", f"/api/sessions/{s1}/reviews", {
            "answer_id": answer_id, "flag_index": index, "flag_code": code, "verdict": verdict, "comment": f"{verdict}!"})
        assert response.status_code == 200
    report = coach1.get(f"/api/sessions/{s1}/report").json()
    reviewed = [f["review"] for a in report["answers"] for f in a["flags"] if "review" in f]
    assert [r["verdict"] for r in reviewed[:2]] == ["agree", "disagree"] and reviewed[0]["reviewer"] == "coach1@t.test"
    assert report["review"]["verdicts"] == 2
    # offline: the review file merges into the plain report with `review import`
    plain = {**report}
    from analyzer.report.review import without_review

    (tmp_path / "report.json").write_text(json.dumps(without_review(plain)))
    (tmp_path / "review.json").write_bytes(coach1.get(f"/sessions/{s1}/review.json").content)
    summary = import_review(tmp_path / "review.json", tmp_path / "report.json")
    assert summary["agree"] == 1 and summary["disagree"] == 1
    rows = list(csv.DictReader(io.StringIO(coach1.get("/export/reviews.csv").text)))
    assert {(r["kind"], r["verdict"], r["reviewer"]) for r in rows} >= {("flag", "agree", "coach1@t.test"),
                                                                        ("flag", "disagree", "coach1@t.test")}
    assert not server.client("coach2@t.test").get("/api/reviews.csv").text.count("coach1@t.test")
    agreement = {r["code"]: r for r in server.client("admin@t.test").get("/api/agreement").json()}
    assert sum(r["verdicts"] for r in agreement.values()) >= 2


def test_span_comments_and_notes_are_checked_and_attributed(server: Server, sessions: dict[str, int]):
    s2 = sessions["s2"]
    coach2 = server.client("coach2@t.test")
    answer_id = coach2.flags(s2)[0][0]
    ok = coach2.send_json("POST", f"/api/sessions/{s2}/comments",
                          {"answer_id": answer_id, "start": 0, "end": 10, "comment": HOSTILE_COMMENT})
    assert ok.status_code == 201 and ok.json()["author"] == "coach2@t.test"
    assert coach2.send_json("POST", f"/api/sessions/{s2}/comments",
                            {"answer_id": answer_id, "start": 5, "end": 99999, "comment": "x"}).status_code == 422
    assert coach2.send_json("PUT", f"/api/sessions/{s2}/note", {"note": HOSTILE_COMMENT}).status_code == 200
    answer_id, index, code = coach2.flags(s2)[0]
    assert coach2.send_json("POST", f"/api/sessions/{s2}/reviews", {"answer_id": answer_id, "flag_index": index,
                            "flag_code": code, "verdict": "agree", "comment": HOSTILE_COMMENT}).status_code == 200
    seen = server.client("cand2@t.test").get(f"/api/sessions/{s2}/reviews").json()
    assert seen["comments"][0]["comment"] == HOSTILE_COMMENT and seen["notes"][0]["author"] == "coach2@t.test"
    assert seen["verdicts"][0]["updated_at"]


# ------------------------------------------------------------------------------------------ browser

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _login(driver, server: Server, email: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    _wait(driver, lambda d: "/login" not in d.current_url)


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition)


def _shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"workspace-{name}.png"))


def _saved(driver) -> None:
    _wait(driver, lambda d: d.find_element("id", "save-state").text == "All changes saved"
          and d.find_element("tag name", "body").get_attribute("data-saving") == "0")


@pytest.mark.browser
def test_coach_reviews_in_the_browser_and_the_candidate_sees_it(server: Server, browser):
    from selenium.webdriver.common.by import By

    driver = browser
    _login(driver, server, "coach1@t.test")
    assert "/dashboard" in driver.current_url
    driver.find_element(By.ID, "upload-file").send_keys(str(SAMPLES / "weak_candidate.vtt"))
    driver.find_element(By.ID, "upload").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "li.flag"), timeout=600)  # the status page reloads until done
    session_url = driver.current_url
    flags = driver.find_elements(By.CSS_SELECTOR, "li.flag")
    assert len(flags) >= 2
    flags[0].find_element(By.CSS_SELECTOR, 'input[value="agree"]').click()
    flags[1].find_element(By.CSS_SELECTOR, 'input[value="disagree"]').click()
    flags[1].find_element(By.CSS_SELECTOR, "textarea.comment").send_keys("The pauses were deliberate.")
    # comment on a span: select the first words of the first answer
    card = driver.find_element(By.CSS_SELECTOR, "article[data-answer]")
    driver.execute_script("""
        const text = arguments[0].querySelector('.answer-text');
        const segs = text.querySelectorAll('.seg');
        const range = document.createRange();
        range.setStart(segs[0].firstChild, 0);
        range.setEnd(segs[Math.min(2, segs.length - 1)].firstChild, segs[Math.min(2, segs.length - 1)].firstChild.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        text.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));""", card)
    quote = card.find_element(By.CSS_SELECTOR, ".ws-selection").text
    assert quote.startswith("Comment on: “")
    card.find_element(By.CSS_SELECTOR, ".ws-comment-text").send_keys("Open with the result instead.")
    card.find_element(By.CSS_SELECTOR, ".ws-comment-add").click()
    _wait(driver, lambda d: card.find_elements(By.CSS_SELECTOR, ".ws-comment-list li"))
    driver.find_element(By.ID, "note").send_keys("Good progress; work on the negativity.")
    _saved(driver)
    _shot(driver, "coach-review")
    driver.refresh()  # what was saved comes back from the database
    flags = driver.find_elements(By.CSS_SELECTOR, "li.flag")
    assert flags[0].find_element(By.CSS_SELECTOR, 'input[value="agree"]').is_selected()
    assert flags[1].find_element(By.CSS_SELECTOR, "textarea.comment").get_attribute("value") == "The pauses were deliberate."
    driver.find_element(By.ID, "logout").click()
    _wait(driver, lambda d: "/login" in d.current_url)

    _login(driver, server, "cand1@t.test")
    driver.get(session_url)
    flags = driver.find_elements(By.CSS_SELECTOR, "li.flag")
    assert flags[0].find_element(By.CSS_SELECTOR, 'input[value="agree"]').is_selected()
    assert flags[1].find_element(By.CSS_SELECTOR, 'input[value="disagree"]').is_selected()
    assert flags[1].find_element(By.CSS_SELECTOR, "textarea.comment").get_attribute("value") == "The pauses were deliberate."
    assert not flags[0].find_element(By.CSS_SELECTOR, 'input[value="agree"]').is_enabled(), "read only"
    assert "coach1@t.test" in flags[0].text
    _shot(driver, "candidate-sees-review")
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "Open with the result instead." in page
    assert "Good progress; work on the negativity." in page
    assert driver.find_elements(By.CSS_SELECTOR, ".seg.ws-commented")
    _shot(driver, "candidate-sees-review")
    driver.get(server.url + "/")
    assert "/candidates/" in driver.current_url and driver.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")
    _shot(driver, "candidate-page")
    driver.find_element(By.ID, "logout").click()


@pytest.mark.browser
def test_hostile_transcript_text_is_inert_on_every_page(server: Server, sessions: dict[str, int], browser):
    from selenium.webdriver.common.by import By

    s2 = sessions["s2"]
    coach2 = server.client("coach2@t.test")
    coach2.send_json("PUT", f"/api/sessions/{s2}/note", {"note": HOSTILE_COMMENT})
    answer_id = coach2.flags(s2)[0][0]
    coach2.send_json("POST", f"/api/sessions/{s2}/comments",
                     {"answer_id": answer_id, "start": 0, "end": 5, "comment": HOSTILE_COMMENT})
    driver = browser
    cand2_page = None
    for email in ("coach2@t.test", "cand2@t.test", "admin@t.test"):
        _login(driver, server, email)
        pages = ["/", "/dashboard", f"/sessions/{s2}"]
        if email == "cand2@t.test":
            cand2_page = driver.current_url
        for path in pages + ([cand2_page] if cand2_page and email != "coach2@t.test" else []):
            driver.get(path if path.startswith("http") else server.url + path)
            assert driver.execute_script("return window.pwned === undefined"), (email, path)
            assert not driver.find_elements(By.CSS_SELECTOR, 'img[src="x"], svg[onload]'), (email, path)
        text = driver.find_element(By.TAG_NAME, "body").text
        assert "<script>window.pwned=1</script>" in text or "window.pwned" in text
        _shot(driver, f"hostile-{email.split('@')[0]}")
        driver.find_element(By.ID, "logout").click()
        _wait(driver, lambda d: "/login" in d.current_url)


def test_help_does_not_load_the_web_stack():
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from analyzer.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert 'serve' in r.output and 'users' in r.output; "
            "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'starlette', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


def test_demo_creates_accounts_and_queues_the_sample_sessions(tmp_path_factory: pytest.TempPathFactory):
    import os
    import subprocess
    import sys

    from workspace_helpers import free_port
    import httpx

    data, port = tmp_path_factory.mktemp("demo") / "data", free_port()
    env = {**os.environ, "INTERVIEW_ANALYZER_CACHE": str(tmp_path_factory.getbasetemp() / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", "--demo", "--data", str(data), "--port",
                                str(port)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        lines = [process.stderr.readline() for _ in range(9)]
        assert "demo account coach@demo.test password demo-coach-pass\n" in lines, lines
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        for _ in range(100):
            try:
                client.get("/healthz")
                break
            except httpx.TransportError:
                import time

                time.sleep(0.2)
        assert client.post("/api/login", json={"email": "coach@demo.test", "password": "demo-coach-pass"}).status_code == 200
        titles = sorted(s["title"] for s in client.get("/api/sessions").json())
        assert titles == sorted(["weak_candidate.vtt", "filler_heavy_answer.txt", "strong_candidate.txt",
                                 "technical_panel.srt", "weak_candidate_audio.ogg"])
    finally:
        import signal

        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
