"""Questionnaire drafts: the one reader and writer of ``assessment_draft`` (an enterprise's answers
as it fills the self-assessment, before it submits; one draft per enterprise, gone on submission)."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from industrial_brain.store.connection import Store


def read_draft(store: Store, uscc: str) -> dict[str, Any] | None:
    """The draft of ``uscc``: ``answers`` (question code → answer) and ``updated_at`` (UTC, ISO), or None."""
    rows = store.con.execute(
        "SELECT answers, updated_at FROM assessment_draft WHERE uscc = ?", [uscc]
    ).fetchall()
    if not rows:
        return None
    return {"answers": json.loads(rows[0][0]), "updated_at": rows[0][1].isoformat(timespec="seconds")}


def write_draft(store: Store, uscc: str, answers: dict[str, Any], *, by: str | None = None) -> str:
    """Replace the draft of ``uscc`` with ``answers``; return its time (UTC, ISO)."""
    now = _dt.datetime.now(_dt.UTC).replace(tzinfo=None, microsecond=0)
    store.con.execute(
        "INSERT OR REPLACE INTO assessment_draft VALUES (?, ?, ?, ?)",
        [uscc, json.dumps(answers, ensure_ascii=False), now, by],
    )
    return now.isoformat()


def delete_draft(store: Store, uscc: str) -> None:
    """Forget the draft of ``uscc`` (after its submission)."""
    store.con.execute("DELETE FROM assessment_draft WHERE uscc = ?", [uscc])
