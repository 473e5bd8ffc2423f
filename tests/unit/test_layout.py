"""The house rules of the code's layout: Whoosh stays behind its backend, imports follow the
data flow (ingest -> analysis -> query -> backends -> index -> search -> CLI/web), no loops."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WHOOSH_HOME = "indexer.backends.whoosh"
TANTIVY_HOME = "indexer.backends.tantivy"
# Each package may import only from its own rank or lower ones.
RANKS = {
    "indexer.errors": 0,
    "indexer.settings": 0,
    "indexer.ingest": 1,
    "indexer.analysis": 2,
    "indexer.query": 3,
    "indexer.backends": 4,
    "indexer.index": 5,
    "indexer.search": 6,
    "indexer.cli": 7,
    "indexer.__main__": 7,
    "indexer": 7,  # the public API, imported lazily
    "webapp": 7,
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for package in ("indexer", "webapp"):
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


MODULES = _modules()
MODULE_NAMES = set(MODULES)


def _imports(tree: ast.AST, top_level_only: bool = False):
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # `from package import module` imports that module
                sub = f"{node.module}.{alias.name}"
                yield sub if sub in MODULE_NAMES else node.module


def _rank(module: str) -> int:
    best = max((p for p in RANKS if module == p or module.startswith(p + ".")), key=len)
    return RANKS[best]


def test_every_module_has_a_rank():
    for name in MODULES:
        assert _rank(name) is not None


@pytest.mark.parametrize("library,home", [("whoosh", WHOOSH_HOME), ("tantivy", TANTIVY_HOME)])
@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_its_backend_imports_an_engine_library(name, library, home):
    if name.startswith(home):
        return
    found = [m for m in _imports(MODULES[name]) if m == library or m.startswith(library + ".")]
    assert not found, f"{name} imports {found}"


def test_the_whoosh_path_never_loads_tantivy():
    """tantivy is imported only when a run chooses it (`--engine tantivy`)."""
    code = (
        "import sys, indexer.cli, indexer.search.index, webapp.serve, webapp.views;"
        "from indexer.backends import default_backend; default_backend();"
        "assert 'tantivy' not in sys.modules, 'tantivy was imported'"
    )
    env = {k: v for k, v in os.environ.items() if k != "DOCSEARCH_ENGINE"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_attributes_of_other_objects_outside_the_whoosh_backend(name):
    """Only the Whoosh backend may read a Whoosh object's private attributes; elsewhere a
    name starting with "_" is read only on self, cls or an imported module."""
    if name.startswith(WHOOSH_HOME):
        return
    tree = MODULES[name]
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            owner = node.value
            assert isinstance(owner, ast.Name) and owner.id in ("self", "cls", *modules), (
                f"{name}:{node.lineno} reads {node.attr}"
            )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_follow_the_data_flow(name):
    for imported in _imports(MODULES[name], top_level_only=True):
        if imported.split(".")[0] not in ("indexer", "webapp"):
            continue
        assert _rank(imported) <= _rank(name), f"{name} imports {imported} (upstream)"


def test_no_import_loops():
    graph = {
        name: {m for m in _imports(tree, top_level_only=True) if m in MODULES}
        for name, tree in MODULES.items()
    }
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import loop: " + " -> ".join([*path, name]))
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, [*path, name])
        done.add(name)

    for name in graph:
        visit(name, [])


MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("name", sorted(MODULES))
def test_functions_stay_short(name):
    """No function in indexer/ or webapp/ over 60 lines (ruff checks their complexity)."""
    for node in ast.walk(MODULES[name]):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            assert lines <= MAX_FUNCTION_LINES, f"{name}.{node.name} has {lines} lines"
