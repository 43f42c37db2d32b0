"""Load test of the coach workspace on 127.0.0.1: concurrent coaches browsing and reviewing while
sessions are analysed; no error response and no lost review allowed.

    python scripts/bench_workspace.py                       # 50 clients, 60 s, 5 analyses (docs/benchmarks.md)
    python scripts/bench_workspace.py --clients 8 --seconds 10 --analyses 1   # the small in-suite version

It starts ``interview-analyzer serve`` (SQLite, one analysis worker) in a temporary folder, makes one
coach per five clients with one candidate and one analysed session each, then runs every client in
its own thread with its own login for ``--seconds``: dashboard, candidate page, session page (the
report with its review) and the sessions API, saving a verdict and now and then a span comment between
pages. Clients of one coach judge different flags, so every acknowledged verdict must be in the
database afterwards exactly as last acknowledged, and every acknowledged comment must be there.
``--analyses`` sessions are uploaded when the load starts. Prints JSON; exits 1 on any error or loss.
Traffic goes to the loopback address only and stops after ``--seconds``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from workspace_helpers import Client, Server  # noqa: E402

SAMPLES = ROOT / "sample_transcripts"
REVIEWED = SAMPLES / "weak_candidate.vtt"  # 8 flags
ANALYSED = ["strong_candidate.txt", "filler_heavy_answer.txt", "technical_panel.srt", "self_practice.txt",
            "weak_candidate.vtt"]
CLIENTS_PER_COACH = 5


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")


class Worker(threading.Thread):
    def __init__(self, n: int, server: Server, coach: str, session: dict[str, Any], flags: list[tuple[str, int, str]],
                 until: float) -> None:
        super().__init__(name=f"client-{n}")
        self.n, self.server, self.coach, self.session, self.until = n, server, coach, session, until
        self.flags = [f for i, f in enumerate(flags) if i % CLIENTS_PER_COACH == n % CLIENTS_PER_COACH]
        self.page_times: list[float] = []
        self.api_times: list[float] = []
        self.errors: list[str] = []
        self.verdicts: dict[tuple[str, int], str] = {}
        self.comments = 0
        self.saves = 0
        self.rng = random.Random(n)

    def timed(self, client: Client, method: str, url: str, times: list[float], **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            self.errors.append(f"{method} {url}: {type(exc).__name__}: {exc}")
            return None
        times.append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors.append(f"{method} {url}: HTTP {response.status_code}")
            return None
        return response

    def run(self) -> None:
        client = self.server.client(self.coach)
        sid, cid = self.session["id"], self.session["candidate_id"]
        csrf = {"X-CSRF-Token": client.csrf}
        step = 0
        while time.monotonic() < self.until:
            for url in ("/dashboard", f"/candidates/{cid}", f"/sessions/{sid}"):
                self.timed(client, "GET", url, self.page_times)
            self.timed(client, "GET", "/api/sessions", self.api_times)
            answer_id, index, code = self.flags[step % len(self.flags)]
            comment = f"client {self.n} save {step}"
            body = {"answer_id": answer_id, "flag_index": index, "flag_code": code,
                    "verdict": self.rng.choice(["agree", "disagree"]), "comment": comment}
            if self.timed(client, "POST", f"/api/sessions/{sid}/reviews", self.api_times, json=body, headers=csrf):
                self.verdicts[(answer_id, index)] = comment
                self.saves += 1
            if step % 4 == 0:
                span = {"answer_id": answer_id, "start": 0, "end": 3, "comment": f"client {self.n} span {step}"}
                if self.timed(client, "POST", f"/api/sessions/{sid}/comments", self.api_times, json=span, headers=csrf):
                    self.comments += 1
            step += 1
        client.close()


def run(clients: int = 50, seconds: float = 60, analyses: int = 5, data: Path | None = None) -> dict[str, Any]:
    work = Path(data or tempfile.mkdtemp(prefix="bench-workspace-"))
    server = Server(work / "data", work / "cache")
    coaches = max(1, -(-clients // CLIENTS_PER_COACH))
    for c in range(coaches):
        server.add_user(f"coach{c}@bench.test", "coach")
        server.add_user(f"cand{c}@bench.test", "candidate", coach=f"coach{c}@bench.test")
    server.start()
    try:
        sessions, flags = {}, {}
        warm_started = time.perf_counter()
        for c in range(coaches):
            client = server.client(f"coach{c}@bench.test")
            created = client.upload(REVIEWED.name, REVIEWED.read_bytes(), f"cand{c}@bench.test").json()
            status = client.wait_done(created["id"])
            assert status["status"] == "done", status
            page = client.get("/dashboard").text
            candidate_id = int(page.split("/candidates/", 1)[1].split('"', 1)[0])
            sessions[c] = {"id": created["id"], "candidate_id": candidate_id}
            flags[c] = client.flags(created["id"])
        setup_s = time.perf_counter() - warm_started

        uploader = server.client("coach0@bench.test")
        until = time.monotonic() + seconds
        workers = [Worker(n, server, f"coach{n // CLIENTS_PER_COACH}@bench.test", sessions[n // CLIENTS_PER_COACH],
                          flags[n // CLIENTS_PER_COACH], until) for n in range(clients)]
        load_started = time.perf_counter()
        queued = [uploader.upload(name, (SAMPLES / name).read_bytes(), "cand0@bench.test").json()["id"]
                  for name in (ANALYSED * 2)[:analyses]]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - load_started
        statuses = [uploader.get(f"/api/sessions/{sid}").json() for sid in queued]

        lost = []
        for c in range(coaches):
            client = server.client(f"coach{c}@bench.test")
            stored = client.get(f"/api/sessions/{sessions[c]['id']}/reviews").json()
            saved = {(r["answer_id"], r["flag_index"]): r["comment"] for r in stored["verdicts"]}
            comments = [x["comment"] for x in stored["comments"]]
            for w in workers:
                if w.coach != f"coach{c}@bench.test":
                    continue
                lost += [f"{w.name} verdict {key}" for key, comment in w.verdicts.items() if saved.get(key) != comment]
                if sum(1 for x in comments if x.startswith(f"client {w.n} span ")) != w.comments:
                    lost.append(f"{w.name} span comments")
        pages = [t for w in workers for t in w.page_times]
        apis = [t for w in workers for t in w.api_times]
        errors = [e for w in workers for e in w.errors]
        return {
            "clients": clients, "seconds": round(elapsed, 1), "coaches": coaches, "setup_s": round(setup_s, 1),
            "requests": len(pages) + len(apis), "requests_per_s": round((len(pages) + len(apis)) / elapsed, 1),
            "pages": len(pages), "page_p50_ms": round(1000 * statistics.median(pages), 1) if pages else None,
            "page_p95_ms": round(1000 * percentile(pages, 95), 1), "page_max_ms": round(1000 * max(pages or [0]), 1),
            "api_calls": len(apis), "api_p95_ms": round(1000 * percentile(apis, 95), 1),
            "verdict_saves": sum(w.saves for w in workers),
            "comments_acknowledged": sum(w.comments for w in workers),
            "analyses": [{"id": s["id"], "status": s["status"]} for s in statuses],
            "errors": len(errors), "error_examples": errors[:5], "lost_reviews": lost[:20],
        }
    finally:
        server.stop()
        if data is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--analyses", type=int, default=5)
    args = parser.parse_args()
    result = run(args.clients, args.seconds, args.analyses)
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] or result["lost_reviews"] else 0


if __name__ == "__main__":
    sys.exit(main())
