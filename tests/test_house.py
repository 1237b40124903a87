"""The house: no circular imports in the package, and the command modules share
only the CLI's context (so that a new family of commands is one new module)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sse_graph"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, *, top_level_only: bool) -> set[str]:
    """The sse_graph modules a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, *(node.module.split(".") if node.module else [])]) if node.level else node.module or ""
            if not mod.startswith("sse_graph"):
                continue
            for alias in node.names:  # `from . import x` imports the module x
                candidate = f"{mod}.{alias.name}"
                found.add(candidate if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                          or (PACKAGE.parent / candidate.replace(".", "/") / "__init__.py").exists() else mod)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sse_graph")}
    return found - {module_name(path)}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "viewer/views" not in str(p)}


def test_no_module_imports_itself_back_at_load_time():
    graph = {m: {i for i in imports_of(p, top_level_only=True) if i in MODULES} for m, p in MODULES.items()}
    seen, stack, cycles = set(), [], []

    def visit(m):
        if m in stack:
            cycles.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for n in graph[m]:
            if not n.startswith(m + "."):  # a package importing its own submodules is how it registers them
                visit(n)
        stack.pop()

    for m in sorted(graph):
        visit(m)
    assert not cycles


def test_command_modules_import_only_the_context_of_the_cli():
    cli = PACKAGE / "cli"
    for path in cli.glob("*.py"):
        if path.name in ("__init__.py", "context.py"):
            continue
        others = {m for m in imports_of(path, top_level_only=False) if m.startswith("sse_graph.cli")}
        assert others <= {"sse_graph.cli.context"}, (path.name, others)
    assert {m for m in imports_of(cli / "context.py", top_level_only=False) if m.startswith("sse_graph.cli")} == set()
