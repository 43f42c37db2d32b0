"""``serve --demo``: demo accounts (fixed, printed passwords) and the bundled sample sessions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import func, select

from analyzer.workspace import auth
from analyzer.workspace.db import InterviewSession, User
from analyzer.workspace.uploads import store_file

if TYPE_CHECKING:
    from analyzer.workspace.app import Workspace

SAMPLES = Path("sample_transcripts")
DEMO_PASSWORDS = {"admin@demo.test": "demo-admin-pass", "coach@demo.test": "demo-coach-pass",
                  "alex@demo.test": "demo-alex-pass", "sam@demo.test": "demo-sam-pass"}
DEMO_SESSIONS = {"alex@demo.test": ["weak_candidate.vtt", "filler_heavy_answer.txt", "strong_candidate.txt"],
                 "sam@demo.test": ["technical_panel.srt", "weak_candidate_audio.ogg"]}


def load_demo(workspace: "Workspace", samples: Path = SAMPLES) -> Iterator[str]:
    """Create the demo accounts that are missing and, on an empty workspace, queue the sample sessions."""
    roles = {"admin@demo.test": "admin", "coach@demo.test": "coach"}
    with workspace.db() as db:
        for email, password in DEMO_PASSWORDS.items():
            if db.scalar(select(User).where(User.email == email)) is None:
                role = roles.get(email, "candidate")
                auth.add_user(db, email, role, password, "coach@demo.test" if role == "candidate" else None)
            yield f"demo account {email} password {password}"
        if db.scalar(select(func.count()).select_from(InterviewSession)):
            return
        if not samples.is_dir():
            yield f"no {samples}/ folder here: run from a checkout to load the sample sessions"
            return
        coach = db.scalar(select(User).where(User.email == "coach@demo.test"))
        for email, names in DEMO_SESSIONS.items():
            candidate = db.scalar(select(User).where(User.email == email))
            for name in names:
                if not (samples / name).is_file():
                    continue
                stored = store_file(samples / name, workspace.data_dir, workspace.max_upload_bytes)
                db.add(InterviewSession(candidate_id=candidate.id, uploaded_by_id=coach.id, title=stored.title,
                                        folder=stored.folder, input_name=stored.input_name, is_audio=stored.is_audio))
                db.commit()
                yield f"demo session {name} queued for {email}"
