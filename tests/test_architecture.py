"""The layout keeps the data flow one way: the import-linter contracts hold (each layer of sim
imports only those below it; the core never imports the app or Streamlit), and no two modules
import each other, directly or through others, even for type checking only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def cycles(graph) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected components)."""
    modules = sorted(m for m in graph.modules if m.startswith("sim"))
    edges = {m: graph.find_modules_directly_imported_by(m) & set(modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("sim")  # type-checking imports included
    assert cycles(graph) == []


def test_no_source_file_is_ignored_by_git():
    """A source file git ignores is missing from every clone (a `results/` pattern once hid
    sim/results/ from commits)."""
    if not (ROOT / ".git").exists():
        return  # not a git checkout: nothing can be ignored
    files = [
        str(p.relative_to(ROOT))
        for folder in ("sim", "app_pages", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    ]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *files], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    assert ignored == []
