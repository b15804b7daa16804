"""Every Python example in docs/*.md runs (each page in a fresh namespace and working directory)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

DOCS = sorted((Path(__file__).resolve().parents[1] / "docs").glob("*.md"))
FENCE = re.compile(r"```python\n(.*?)```", re.S)


@pytest.mark.parametrize("page", DOCS, ids=[p.name for p in DOCS])
def test_doc_examples_run(page, tmp_path, monkeypatch):
    blocks = FENCE.findall(page.read_text(encoding="utf-8"))
    if not blocks:
        pytest.skip(f"{page.name} has no Python examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IBRAIN_DB", str(tmp_path / "docs.duckdb"))
    namespace: dict = {"__name__": "__docs__"}
    for i, code in enumerate(blocks):
        try:
            exec(compile(code, f"{page.name}[block {i + 1}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{page.name}, example {i + 1} failed: {type(exc).__name__}: {exc}")
    assert os.getcwd() == str(tmp_path)
