"""Data flows one way between the build and the store: ``build`` writes a folder
and opens it with ``store``; ``store`` reads a folder and never imports the build
(not even inside a function)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sse_graph"


def imports_of(module: str) -> set[str]:
    """Every sibling module a module of the package imports, at any depth of its code."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sse_graph."):
            found.add(node.module.split(".")[1])
    return found


def reachable(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        m = todo.pop()
        if m in seen or not (PACKAGE / f"{m}.py").is_file():
            continue
        seen.add(m)
        todo.extend(imports_of(m))
    return seen - {module}


def test_the_store_never_reaches_the_build():
    assert "store" in imports_of("build")
    assert "build" not in reachable("store"), sorted(reachable("store"))


def test_open_store_builds_then_opens(private_cache, monkeypatch):
    from sse_graph import Store, open_store

    monkeypatch.setenv("SSE_GRAPH_ENGINE", "fast")
    store = open_store(PACKAGE.parent)
    assert isinstance(store, Store)
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").dicts()[0]["n"] > 1000
