"""The floors of Voisins and a reader of its imports (pure Python: no Django import).

Every app sits on one floor. An app may import from its own floor and the floors below,
never from a floor above; and no two apps may import each other, directly or round a
circle, counting the imports made inside functions. A lower floor that must call back up
does it through a registry filled at start-up (for example
`voisins.messaging.hooks.register_hold`), never through a hidden import.

`FLOORS` is the one place the floors are declared: `tests/test_layers.py` checks the code
against it and `scripts/architecture --mermaid` draws it into `docs/development.md`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "voisins"
ROOT = Path(__file__).resolve().parent

# Floor number -> its name; higher floors may import lower ones, never the reverse.
FLOOR_NAMES = {0: "base", 1: "core", 2: "domain", 3: "interfaces", 4: "wiring"}

# node -> (floor, why it sits there). A node is an app (a sub-package of voisins), or one
# of the top-level modules: `access` (who may do what) is a node of its own.
FLOORS: dict[str, tuple[int, str]] = {
    # base: helpers that know nothing of the programme.
    "matching": (0, "the pure matching engine: no Django, imports nothing of Voisins"),
    "formats": (0, "date and number formats per language"),
    "plotting": (0, "matplotlib set-up for server-side SVG charts"),
    "spreadsheets": (0, "CSV/XLSX reading and writing without formula injection"),
    "widgets": (0, "the form renderer and shared widgets"),
    "feedback": (0, "a service's refusal shown on the form or as messages naming the field"),
    "rows": (0, "a list's rows as plain values: links, labels and dates made once a page"),
    "layers": (0, "these floors and the import reader (this module)"),
    "places": (0, "postcodes, municipalities, coarse coordinates (no database)"),
    "phones": (0, "phone numbers: E.164, display, SMS-capable (no database)"),
    "rounding": (0, "half-up rounding of figures and small counts shown as \"< 5\""),
    "background": (0, "tasks registered by path, queued after commit: services queue the "
                      "tasks that call them without importing them"),
    # core: the records every part of the programme speaks about, and who may see them.
    "accounts": (1, "the user model"),
    "programmes": (1, "programmes, organisations, staff roles: the frame of everything"),
    "access": (1, "the one module that decides who may do what; receives querysets"),
    "security": (1, "two-factor rule (asks access who is staff), client address, size cap"),
    "audit": (1, "`audit_read` and the audit log: every floor above records reads"),
    "lists": (1, "the staff lists' sort, pages, exports and kept counts: generic, on access"),
    "apibase": (1, "what every app's api.py shares: text types, errors, paging, access"),
    "households": (1, "families, volunteer households, members, statuses"),
    "privacy": (1, "privacy notices and consent records of households"),
    # domain: the programme's work, on the core.
    "gdpr": (2, "consent checks, export, erasure, retention over the domain's records"),
    "messaging": (2, "the queue of messages to households: needs gdpr's consent checks"),
    "familypages": (2, "the family's signed link, its decorator and pages; matches build on it"),
    "recruitment": (2, "public site, campaigns, sign-up, screening, referrals"),
    "training": (2, "training modules and sessions; the training gate for matching"),
    "matches": (2, "proposals, matches, check-ins, batch matching (the engine on records)"),
    "mediation": (2, "mediation cases on matches: one thing with matches (a merge to weigh)"),
    "evaluation": (2, "funders' figures, retention, yearly evaluations: reads all the above"),
    "community": (2, "events, invitations, resources"),
    "volunteering": (2, "the volunteers' information note, acknowledgements, insurance"),
    "expenses": (2, "volunteers' expenses, ceilings per year, statements: on matches' activities"),
    "files": (2, "private files of cases, trainings, resources, scans: reads their owners"),
    "networks": (2, "networks of programmes: members, roles, published aggregates, pooled "
                    "figures (reads evaluation to publish)"),
    "sharing": (2, "materials a network shares (training modules, resources, charter, "
                   "information note, message templates, categories): copies made through "
                   "the owning apps' services"),
    "transfers": (2, "a household that moves to another programme of a network: consents, "
                     "the copy, the old match ended, the old record anonymised"),
    # interfaces: pages and API over the domain.
    "staff": (3, "the coordinators' pages"),
    "workspace": (3, "the pages' shell: navigation, lists, map"),
    "portal": (3, "the volunteer household's own pages and links"),
    "api": (3, "the web API and its tokens"),
    "blueprints": (3, "start a new programme from a template"),
    "ops": (3, "worker, health, request logs, runserver: runs the whole"),
    # wiring: settings, URLs, entry points; nothing imports them.
    "project": (4, "settings, urls, wsgi, manage: put the apps together"),
}
# On one floor, the order of FLOORS says which way an import goes between two apps that
# would import each other: an app takes from the apps listed before it. An import the
# other way round that closes a circle is the one the layer test names.
RANK = {node: number for number, node in enumerate(FLOORS)}

# Top-level modules of the package that belong to the wiring, not to an app.
WIRING_MODULES = {"__init__", "__main__", "settings", "urls", "wsgi", "manage"}


@dataclass(frozen=True)
class Import:
    """One imported module, as written in one source file."""

    path: str  # the importing file, relative to the repository: voisins/matches/views.py
    line: int
    module: str  # the importing module: voisins.matches.views
    target: str  # the imported module: voisins.mediation.models
    in_function: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def source_node(self) -> str:
        return node_of(self.module)

    @property
    def target_node(self) -> str:
        return node_of(self.target)


def node_of(module: str) -> str:
    """The app (or top-level node) a module of voisins belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return "project"
    if parts[1] in WIRING_MODULES:
        return "project"
    return parts[1]


def floor_of(node: str) -> int:
    return FLOORS[node][0]


def source_files(root: Path = ROOT) -> list[Path]:
    """Every Python file of the package, migrations left out (Django writes those)."""
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path, root: Path = ROOT) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = [PACKAGE, *relative.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Import statements with whether they stand inside a function. Imports under
    `if TYPE_CHECKING:` are left out: they never run."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend((c, in_function) for c in child.orelse)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            inside = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            stack.append((child, inside))


def _resolve(statement: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not statement.level:
        return statement.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (statement.level - 1)]
    return ".".join([*base, statement.module] if statement.module else base)


def _exists(module: str, root: Path) -> bool:
    relative = Path(*module.split(".")[1:])
    return ((root / relative).with_suffix(".py").exists()
            or (root / relative / "__init__.py").exists())


def imports_of(path: Path, root: Path = ROOT, base: Path | None = None) -> list[Import]:
    """The modules of voisins that one file imports (names imported from a package that
    are its sub-modules count as imports of those sub-modules)."""
    base = base or root.parent
    module = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for statement, in_function in _walk(tree):
        targets: list[str] = []
        if isinstance(statement, ast.Import):
            targets = [alias.name for alias in statement.names]
        else:
            origin = _resolve(statement, module, path.name == "__init__.py")
            for alias in statement.names:
                sub = f"{origin}.{alias.name}"
                targets.append(sub if sub.startswith(PACKAGE + ".") and _exists(sub, root)
                               else origin)
        for target in dict.fromkeys(targets):
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                found.append(Import(str(path.relative_to(base)), statement.lineno, module,
                                    target, in_function))
    return sorted(found, key=lambda i: (i.path, i.line, i.target))


def all_imports(root: Path = ROOT) -> list[Import]:
    return [i for path in source_files(root) for i in imports_of(path, root)]


def between_nodes(imports: Iterable[Import]) -> list[Import]:
    return [i for i in imports if i.source_node != i.target_node]


def graph(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            result.setdefault(a, set()).add(b)
            result.setdefault(b, set())
    return result


def cycles(edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan), largest first."""
    g = graph(edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(found, key=lambda c: (-len(c), sorted(c)))


# --- The three rules the layer test checks -------------------------------------------

def upward(imports: Iterable[Import]) -> list[Import]:
    """Imports from a lower floor to a higher one."""
    return [i for i in between_nodes(imports)
            if floor_of(i.source_node) < floor_of(i.target_node)]


def app_cycle_imports(imports: Iterable[Import]) -> list[Import]:
    """Imports between apps of one floor (or to a lower one) that close a circle and go
    against the declared order (`RANK`): without them no circle is left. Upward imports
    are `upward`'s and left out here."""
    level = [i for i in between_nodes(imports)
             if floor_of(i.source_node) >= floor_of(i.target_node)]
    components = cycles((i.source_node, i.target_node) for i in level)
    return [i for i in level
            if RANK[i.source_node] < RANK[i.target_node]
            and any(i.source_node in c and i.target_node in c for c in components)]


def module_cycle_imports(imports: Iterable[Import]) -> list[Import]:
    """Imports between two modules of one app that lie on a circle of its modules."""
    inside = [i for i in imports if i.source_node == i.target_node and i.module != i.target]
    components = cycles((i.module, i.target) for i in inside)
    return [i for i in inside
            if any(i.module in c and i.target in c for c in components)]


def key(item: Import) -> str:
    """How an offending import is named in an allowance list: file and imported module,
    without the line (lines move with every edit)."""
    return f"{item.path} -> {item.target}"


# --- The picture ----------------------------------------------------------------------

def floors_table() -> str:
    """The floors as a Markdown table, top floor first, with each node's reason."""
    lines = ["| floor | app | why it sits there |", "| --- | --- | --- |"]
    for floor in sorted(FLOOR_NAMES, reverse=True):
        for node, (f, why) in FLOORS.items():
            if f == floor:
                lines.append(f"| {floor} {FLOOR_NAMES[floor]} | `{node}` | {why} |")
    return "\n".join(lines)


def picture(imports: Iterable[Import]) -> str:
    """What stands between the markers of docs/development.md: the table and the graph."""
    return f"{floors_table()}\n\n{mermaid(imports)}"


def mermaid(imports: Iterable[Import]) -> str:
    """The app graph as a Mermaid flowchart: one box a floor, one arrow an app imports
    another (dashed: only inside functions; red: upward or on a circle)."""
    imports = list(imports)
    edges: dict[tuple[str, str], bool] = {}
    for i in between_nodes(imports):
        pair = (i.source_node, i.target_node)
        edges[pair] = edges.get(pair, True) and i.in_function
    bad = {(i.source_node, i.target_node)
           for i in upward(imports) + app_cycle_imports(imports)}
    lines = ["```mermaid", "flowchart TB"]
    for floor in sorted(FLOOR_NAMES, reverse=True):
        nodes = sorted(n for n, (f, _) in FLOORS.items() if f == floor)
        lines.append(f"  subgraph floor{floor}[\"{floor} {FLOOR_NAMES[floor]}\"]")
        lines.extend(f"    {n}" for n in nodes)
        lines.append("  end")
    red = []
    for number, ((a, b), only_in_function) in enumerate(sorted(edges.items())):
        lines.append(f"  {a} {'-.->' if only_in_function else '-->'} {b}")
        if (a, b) in bad:
            red.append(str(number))
    for chunk in range(0, len(red), 40):
        lines.append(f"  linkStyle {','.join(red[chunk:chunk + 40])} stroke:#c00")
    lines.append("```")
    return "\n".join(lines)


PICTURE_START = "<!-- layers picture: start (scripts/architecture --mermaid writes it) -->"
PICTURE_END = "<!-- layers picture: end -->"


def replace_picture(text: str, picture: str) -> str:
    """`text` (docs/development.md) with the picture between the markers replaced."""
    start = text.index(PICTURE_START) + len(PICTURE_START)
    end = text.index(PICTURE_END)
    return f"{text[:start]}\n{picture}\n{text[end:]}"


# --- Views and API routers: where `.objects.` must not be (issue 17, reads in selectors) -----

def is_view_or_router(path: Path) -> bool:
    """A view or API router module by its name: views.py, *_views.py, api.py, api/routers/."""
    return (path.name == "views.py" or path.name.endswith("_views.py") or path.name == "api.py"
            or "routers" in path.parts)


def _root_name(node: ast.expr) -> str:
    """The name a view expression starts from: ``views.home`` → views, ``feeds.Feed()`` and
    ``View.as_view()`` → feeds, View; a wrapper's first argument, ``cache(maps.page)`` → maps."""
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.args[0] if node.args else node.func
        else:
            node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def routed_modules(urls: Path, root: Path = ROOT) -> set[Path]:
    """The modules of voisins a URLconf routes a path to (``path(route, module.view)``),
    whatever they are called (workspace/maps.py, recruitment/feeds.py)."""
    module = module_name(urls, root)
    tree = ast.parse(urls.read_text(encoding="utf-8"), filename=str(urls))
    bound: dict[str, str] = {}  # a name of the URLconf → the module it comes from
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            origin = _resolve(statement, module, urls.name == "__init__.py")
            for alias in statement.names:
                sub = f"{origin}.{alias.name}"
                bound[alias.asname or alias.name] = sub if _exists(sub, root) else origin
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("path", "re_path")
                and len(node.args) >= 2):
            target = bound.get(_root_name(node.args[1]), "")
            if target.startswith(PACKAGE + ".") and _exists(target, root):
                path = (root / Path(*target.split(".")[1:])).with_suffix(".py")
                if path.exists():
                    found.add(path)
    return found


def view_modules(root: Path = ROOT) -> list[Path]:
    """Every module that answers requests: views and API routers by name, and any other
    module a URLconf (urls.py, *_urls.py) routes a path to."""
    files = source_files(root)
    found = {p for p in files if is_view_or_router(p)}
    for urls in files:
        if urls.name == "urls.py" or urls.name.endswith("_urls.py"):
            found |= routed_modules(urls, root)
    return sorted(found)


def objects_in_views(root: Path = ROOT) -> list[tuple[str, str]]:
    """(file:line, expression) for each ``.objects`` read in a view or API router module:
    reads belong in the app's selectors.py, writes in its services.py."""
    found = []
    for path in view_modules(root):  # file by file, line by line
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(root.parent)
        found += [(f"{where}:{line}", text) for line, text in sorted(
            (node.lineno, ast.unparse(node)) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "objects")]
    return found
