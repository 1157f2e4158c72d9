"""House rules read from the code (issue 17): every public function of a `services.py` (the
writes) takes keyword-only arguments, and no other module reaches for a service module's
private helpers (a helper made private to leave the count is still a public one).

Reads belong in `selectors.py` or in a small module named for what they are (`tokens.py`,
`links.py`, `rendering.py`); registries that other apps fill at start-up, in `hooks.py`.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "voisins"


def _service_modules() -> Iterator[Path]:
    for path in sorted(SOURCES.rglob("*.py")):
        if "migrations" not in path.parts and (
                path.name == "services.py" or "services" in path.relative_to(SOURCES).parts[:-1]):
            yield path


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO)}:{node.lineno}"


def positional_services() -> list[str]:
    """`file:line name` of each public function of a service module that takes an argument
    by position."""
    found = []
    for path in _service_modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not node.name.startswith("_")
                    and (node.args.posonlyargs or node.args.args or node.args.vararg)):
                found.append(f"{_where(path, node)} {node.name}")
    return found


def private_service_imports() -> list[str]:
    """`file:line name` of each import of a service module's private name from another
    module of Voisins (tests may look inside; the code may not)."""
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.split(".")[-1] == "services"):
                found += [f"{_where(path, node)} {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
    return found


def test_every_public_service_is_keyword_only():
    found = positional_services()
    assert not found, "\n".join([
        "public service functions taking positional arguments (make them `def f(*, ...)`, "
        "or move a read to selectors.py or a module named for it):", *found])


def test_no_private_helper_of_a_service_module_is_used_elsewhere():
    found = private_service_imports()
    assert not found, "\n".join(["private helpers of services imported elsewhere:", *found])


def test_the_rule_is_read_from_the_code(tmp_path, monkeypatch):
    """The check finds a positional service (and passes a keyword-only one)."""
    app = tmp_path / "voisins" / "someapp"
    app.mkdir(parents=True)
    (app / "services.py").write_text(
        "def thing_create(*, name):\n    pass\n\n\n"
        "def thing_find(name):\n    pass\n\n\n"
        "def _helper(name):\n    pass\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "REPO", tmp_path)
    monkeypatch.setitem(globals(), "SOURCES", tmp_path / "voisins")
    assert positional_services() == ["voisins/someapp/services.py:5 thing_find"]
