"""The shape of the package: a core that knows nothing about MkDocs, and a thin adapter."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import ROOT

PACKAGE = ROOT / "plugins" / "outagekb"
ADAPTER = {"config", "plugin", "files", "serve"}
"""The modules that talk to MkDocs; everything else is the core."""


def test_the_core_imports_nothing_from_mkdocs() -> None:
    core = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem not in ADAPTER | {"__init__"})
    assert {"render", "templating", "tables", "loader", "graph"} <= set(core)
    # with MkDocs made unimportable, every core module still imports
    program = "import sys; sys.modules['mkdocs'] = None\n" + "".join(f"import outagekb.{name}\n" for name in core)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_plugin_module_only_coordinates() -> None:
    """plugin.py holds the event handlers and no other logic: no module-level helpers beyond
    the two that hand problems to MkDocs (its logger, its error), and a handful of short methods."""
    tree = ast.parse((PACKAGE / "plugin.py").read_text(encoding="utf-8"))
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions == ["_failure", "_report"]
    (plugin,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    methods = [node for node in plugin.body if isinstance(node, ast.FunctionDef)]
    assert all(name.startswith("on_") or name == "__init__" for name in (m.name for m in methods))
    assert all((m.end_lineno or 0) - m.lineno < 40 for m in methods), "an event handler grew past 40 lines"
