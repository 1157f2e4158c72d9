"""Issue 17, item 3: `voisins/access.py` is the only place that decides who may do what.

The test reads the code with `ast` and fails, naming file:line, on any check of a role
outside it: a comparison with a membership's `.role`, with a role's name ("coordinator",
`Role.MEDIATOR`…), a filter on a role (`role__in=`, `memberships__role=`…), or a read of
`is_superuser` / `is_staff`. Writing a role (`membership_grant(role=Role.COORDINATOR)`) is
not a check and is not named.

Allowed: the modules that define the fields and their choices (`accounts/models.py`, the
user model; `programmes/constants.py`, the roles; `programmes/models.py`, the membership
and its constraint), and the places listed in ALLOWED with the reason.
"""

import ast
from pathlib import Path

from voisins import layers
from voisins.programmes.constants import Role

REPO = Path(__file__).resolve().parent.parent
ROLE_NAMES = set(Role.values)
FLAGS = {"is_superuser", "is_staff"}

DEFINE_THE_FIELDS = {
    "voisins/access.py",
    "voisins/accounts/models.py",
    "voisins/programmes/constants.py",
    "voisins/programmes/models.py",
}
ALLOWED = {
    # A programme always keeps one coordinator: a rule on the team itself, which sits
    # below access (access imports programmes, so programmes may not ask access).
    "voisins/programmes/services.py": "membership_change keeps the last coordinator",
}


def _is_role_constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in ROLE_NAMES
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id in {"Role", "R"} and node.attr in Role.names
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_is_role_constant(e) for e in node.elts)
    return False


def _is_role_enum(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id in {"Role", "R"} and node.attr in Role.names
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_is_role_enum(e) for e in node.elts)
    return False


def _mentions_role(node: ast.AST) -> bool:
    """An expression that speaks of a role: `x.role`, `role`, `user_role`, `role_in(…)`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return "role" in node.attr
    return isinstance(node, ast.Name) and "role" in node.id


def _is_role_lookup(name: str | None) -> bool:
    if not name:
        return False
    parts = name.split("__")
    return "role" in parts and name != "role"


def role_checks(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of every role or flag check in a module's syntax tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "role" for o in operands):
                found.append((node.lineno, "compares a .role"))
            elif any(_is_role_enum(o) for o in operands) or (
                    any(_is_role_constant(o) for o in operands)
                    and any(_mentions_role(o) for o in operands)):
                # A string such as "mediator" is a role's name only beside a role: it is
                # also a field's name ("mediator" in changes).
                found.append((node.lineno, "compares with a role's name"))
        elif isinstance(node, ast.keyword) and _is_role_lookup(node.arg):
            found.append((node.value.lineno, f"filters on a role ({node.arg}=)"))
        elif (isinstance(node, ast.Attribute) and node.attr in FLAGS
              and isinstance(node.ctx, ast.Load)):
            found.append((node.lineno, f"reads {node.attr}"))
    return sorted(found)


def test_no_role_or_superuser_check_outside_access():
    offending = []
    for path in layers.source_files():
        relative = str(path.relative_to(REPO))
        if relative in DEFINE_THE_FIELDS or relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        offending += [f"{relative}:{line}: {what}" for line, what in role_checks(tree)]
    assert not offending, "\n".join(
        ["who may do what is decided in voisins/access.py; move these checks there:",
         *offending])


def test_the_reader_finds_each_kind_of_check():
    tree = ast.parse(
        "if m.role == 'x': pass\n"
        "if access.role_in(u, p) in (Role.MEDIATOR, Role.COORDINATOR): pass\n"
        "qs.filter(memberships__role='coordinator')\n"
        "ok = user.is_superuser\n"
        "membership_grant(user=u, programme=p, role=Role.COORDINATOR)\n"
        "if kind == 'safeguarding': pass\n"
        "if 'mediator' in changes: pass\n"
        "if role != 'viewer': pass\n")
    assert role_checks(tree) == [
        (1, "compares a .role"), (2, "compares with a role's name"),
        (3, "filters on a role (memberships__role=)"), (4, "reads is_superuser"),
        (8, "compares with a role's name")]
