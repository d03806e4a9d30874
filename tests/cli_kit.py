"""The command line run as a user runs it, in a fresh process, with parts of the model patched
first (to make it fail, or to take a floor away): its exit code and standard error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli_patched(patch: str, args: list[str]) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` after running the Python ``patch`` in the same process."""
    script = "\n".join(
        ["import sys", patch, f"sys.argv = ['sim', *{args!r}]", "from sim.cli.main import main"]
        + ["main()"]
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)


def run_a_week_of(tmp_path: Path, name: str, body: str) -> subprocess.CompletedProcess:
    """``python -m sim run`` for a week of the reference office with ``body`` (YAML) over it."""
    path = tmp_path / "scenario.yaml"
    path.write_text(
        f"extends: {ROOT / 'scenarios' / 'reference-office.yaml'}\nname: {name}\n{body}"
    )
    return subprocess.run(
        [sys.executable, "-m", "sim", "run", str(path), "--weeks", "1", "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
