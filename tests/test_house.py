"""The house rules a newcomer relies on, checked on every run (docs/ARCHITECTURE.md):
no import cycle (function-level imports count), SQL only in the store, small files and
functions, ruff clean, package `__init__` files that import nothing heavy."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ("copilot", "api", "web")
STORE = ("copilot/memory/store", "copilot/migrations")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources(*roots: str) -> list[Path]:
    return sorted(p for r in roots for p in (ROOT / r).rglob("*.py"))


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, module: str, known: set[str]) -> set[str]:
    """Modules of ours that `path` imports anywhere (top level or inside functions)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            # A package's own __init__ is imported with any of its modules: not an edge back.
            if name and name != module and not module.startswith(name + "."):
                found.add(name)
    return found


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_cycles() -> None:
    files = {_module(p): p for p in _sources(*LIBRARY) if "migrations" not in p.parts}
    edges = {m: _imported(p, m, set(files)) for m, p in files.items()}
    assert _cycles(edges) == []


# What each layer may not import (docs/ARCHITECTURE.md draws the same map): dependencies point
# from the front ends down to the schema, never back up.
FRONT_ENDS = ("api", "web", "copilot.cli")
WORKFLOW = ("copilot.workflow", "copilot.pipeline", "copilot.pipeline_audio", "copilot.jobs",
            "copilot.jobs_run", "copilot.queue",
            "copilot.retention", "copilot.reassign", "copilot.request", "copilot.accounts",
            *FRONT_ENDS)
FORBIDDEN = {
    "copilot.models": ("copilot", "api"),
    "copilot.text": ("copilot.analyze", "copilot.ingest", "copilot.memory", "copilot.reports",
                     *WORKFLOW),
    "copilot.i18n": ("copilot.analyze", "copilot.ingest", "copilot.memory", "copilot.reports",
                     *WORKFLOW),
    "copilot.settings": ("copilot.analyze", "copilot.ingest", "copilot.memory", *WORKFLOW),
    "copilot.ingest": ("copilot.analyze", "copilot.memory", "copilot.reports", *WORKFLOW),
    "copilot.analyze": ("copilot.ingest", "copilot.memory", "copilot.reports", *WORKFLOW),
    "copilot.memory": ("copilot.analyze", "copilot.reports", *WORKFLOW),
    "copilot.reports": WORKFLOW,
    "copilot.workflow": FRONT_ENDS,
    "copilot.pipeline": FRONT_ENDS,
    "copilot.jobs": FRONT_ENDS,
    "copilot.queue": FRONT_ENDS,
    "copilot.retention": FRONT_ENDS,
    "copilot.accounts": FRONT_ENDS,
    "copilot.cli": ("api", "web"),
    "web": ("copilot.cli",),
}


def _forbidden(module: str, target: str) -> bool:
    for layer, banned in FORBIDDEN.items():
        if module == layer or module.startswith(layer + "."):
            allowed_inside = target == layer or target.startswith(layer + ".")
            return not allowed_inside and any(
                target == b or target.startswith(b + ".") for b in banned)
    return False


def test_dependencies_point_down_the_layers() -> None:
    files = {_module(p): p for p in _sources(*LIBRARY) if "migrations" not in p.parts}
    wrong = sorted(f"{m} -> {t}" for m, p in files.items()
                   for t in _imported(p, m, set(files)) if _forbidden(m, t))
    assert wrong == []


def test_only_the_app_factory_mounts_the_pages() -> None:
    # The pages are built on the API (its auth, store and errors), never the other way round.
    files = {_module(p): p for p in _sources("api")}
    wrong = sorted(m for m, p in files.items() if m != "api.main"
                   for t in _imported(p, m, set(files) | {"web"}) if t.startswith("web"))
    assert wrong == []


def test_the_layer_rule_catches_an_upward_import() -> None:
    assert _forbidden("copilot.analyze.critique.talk", "copilot.memory.store")
    assert _forbidden("copilot.models.analysis", "copilot.settings")
    assert not _forbidden("copilot.models.analysis", "copilot.models.vocabulary")
    assert not _forbidden("copilot.cli.analyze", "copilot.workflow")


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_names() -> None:
    pattern = re.compile(r"^\s*from (copilot|api|eval)[\w.]* import .*\b_[a-z]", re.MULTILINE)
    found = [str(p.relative_to(ROOT)) for p in _sources(*LIBRARY, "eval")
             if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_sql_only_in_the_store() -> None:
    pattern = re.compile(r"^\s*(import sqlalchemy|from sqlalchemy)", re.MULTILINE)
    outside = [str(p.relative_to(ROOT)) for p in _sources(*LIBRARY)
               if not str(p.relative_to(ROOT)).startswith(STORE)
               and pattern.search(p.read_text(encoding="utf-8"))]
    assert outside == []


def test_files_and_functions_stay_small() -> None:
    too_long: list[str] = []
    # Migrations are history: written once, never edited, long by nature.
    for path in (p for p in _sources(*LIBRARY) if "migrations" not in p.parts):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        if len(text.splitlines()) > MAX_FILE_LINES:
            too_long.append(f"{where}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{where}:{node.lineno} {node.name}() {length} lines")
    assert too_long == []


def test_no_provenance_comments() -> None:
    # History belongs in git: "(issue 3)" in a comment says nothing to the next reader.
    pattern = re.compile(r"\(issues? \d+")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in _sources(*LIBRARY, "eval", "tests")
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) and p.name != "test_house.py"]
    assert found == []


def test_ruff_is_clean() -> None:
    # Line length (E501) and complexity (C901, max 12) are enabled in pyproject.toml.
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "json",
                           *LIBRARY, "eval", "tests"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if proc.returncode not in (0, 1):
        pytest.fail(f"ruff did not run: {proc.stderr.strip()}")
    problems = [f"{f['filename']}:{f['location']['row']} {f['code']} {f['message']}"
                for f in json.loads(proc.stdout or "[]")]
    assert problems == []


HEAVY = ("sqlalchemy", "spacy", "torch", "faster_whisper", "chromadb", "langchain_openai")


def test_package_inits_import_nothing_heavy() -> None:
    # `import copilot.memory` must not start SQLAlchemy, nor `import copilot.ingest` torch:
    # a package hands names on; the modules that need an engine load it.
    packages = sorted(_module(p) for p in _sources(*LIBRARY) if p.name == "__init__.py"
                      and not str(p.relative_to(ROOT)).startswith(STORE)
                      and "llm" not in p.parts)
    code = ("import importlib, sys\n"
            f"for name in {packages!r}: importlib.import_module(name)\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert proc.stdout.strip() == "[]"
