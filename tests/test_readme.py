"""Every command of the README's "try the command line" block runs as written (against a copy of the
default-data store, in a scratch folder), and the README's list of commands that take ``--db`` is true."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from industrial_brain.cli.main import app

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", TEXT, re.S)
COMMANDS = [
    line.split("#")[0].strip()
    for block in BLOCKS
    for line in block.splitlines()
    if line.strip().startswith(".venv/bin/ibrain")
]
PANEL_CSV = (
    "region_code,indicator_code,year,value\n110000,grp_100m_cny,2030,1.5\n310000,grp_100m_cny,2030,2.5\n"
)


def _run(command: str, cwd: Path, db: Path) -> subprocess.CompletedProcess:
    argv = shlex.split(command.replace("out/ibrain.duckdb", str(db)))
    assert argv[0] == ".venv/bin/ibrain"
    return subprocess.run(
        [sys.executable, "-m", "industrial_brain.cli.main", *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_readme_lists_commands():
    assert len(COMMANDS) >= 9


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, default_db, tmp_path):
    db = tmp_path / "ibrain.duckdb"
    shutil.copy(default_db, db)
    (tmp_path / "my_panel.csv").write_text(PANEL_CSV, encoding="utf-8")
    for part in command.split("&&"):
        r = _run(part.strip(), tmp_path, db)
        assert r.returncode == 0, f"{part}\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}"
        assert "error" not in r.stderr.lower(), r.stderr[-1500:]


def _commands(group, prefix=()):
    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, cmd in click_group.commands.items():
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, path)
        else:
            yield " ".join(path), cmd


def test_readme_says_which_commands_take_db():
    listed = re.search(r"`--db PATH` is taken by (.*?)\.\s", TEXT, re.S)
    assert listed, "README must list the commands that take --db"
    named = set(re.findall(r"`([a-z][a-z -]*?)`", listed.group(1)))
    takes = {path for path, cmd in _commands(app) if any("--db" in p.opts for p in cmd.params)}
    assert named == takes, f"README lists {sorted(named ^ takes)} wrongly"
