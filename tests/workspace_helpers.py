"""A real workspace server in its own process (``interview-analyzer serve``) and an API client for the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "test-password-1"
ANALYSIS_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


class Server:
    """``interview-analyzer serve`` on 127.0.0.1 with a data folder (and optionally a database URL)."""

    def __init__(self, data: Path, cache: Path, database: str | None = None, max_upload_mb: float | None = None) -> None:
        self.data, self.database, self.max_upload_mb = data, database, max_upload_mb
        self.env = {**os.environ, "INTERVIEW_ANALYZER_CACHE": str(cache)}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def _db_args(self) -> list[str]:
        return ["--data", str(self.data), *(["--database", self.database] if self.database else [])]

    def add_user(self, email: str, role: str, coach: str | None = None, password: str = PASSWORD) -> None:
        done = cli("users", "add", email, "--role", role, *(["--coach", coach] if coach else []), *self._db_args(),
                   stdin=password + "\n", env=self.env)
        assert done.returncode == 0, done.stderr

    def start(self) -> "Server":
        args = ["serve", *self._db_args(), "--port", str(self.port)]
        if self.max_upload_mb is not None:
            args += ["--max-upload-mb", str(self.max_upload_mb)]
        self.log = open(self.data.parent / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "analyzer", *args], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited: {self.log_text()}"
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not start: " + self.log_text())

    def log_text(self) -> str:
        return (self.data.parent / f"server-{self.port}.log").read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL the server (its analysis workers die with it)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def client(self, email: str | None = None, password: str = PASSWORD) -> "Client":
        client = Client(self.url)
        if email:
            client.login(email, password)
        return client


class Client(httpx.Client):
    def __init__(self, url: str) -> None:
        super().__init__(base_url=url, timeout=60, follow_redirects=False)
        self.csrf = ""

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post("/api/login", json={"email": email, "password": password})
        if response.status_code == 200:
            self.csrf = response.json()["csrf_token"]
        return response

    def send_json(self, method: str, url: str, body: Any) -> httpx.Response:
        return self.request(method, url, json=body, headers={"X-CSRF-Token": self.csrf})

    def upload(self, name: str, content: bytes, candidate: str | None = None) -> httpx.Response:
        return self.post("/api/sessions", files={"file": (name, content)},
                         data={"candidate": candidate} if candidate else {}, headers={"X-CSRF-Token": self.csrf})

    def wait_done(self, session_id: int, timeout: float = ANALYSIS_TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.get(f"/api/sessions/{session_id}").json()
            if status["status"] in ("done", "failed"):
                return status
            time.sleep(0.5)
        raise AssertionError(f"session {session_id} not analysed in {timeout} s")

    def flags(self, session_id: int) -> list[tuple[str, int, str]]:
        report = self.get(f"/api/sessions/{session_id}/report").json()
        return [(a["id"], i, f["code"]) for a in report["answers"] for i, f in enumerate(a["flags"])]
