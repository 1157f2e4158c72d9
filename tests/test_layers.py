"""The apps sit on declared floors (voisins/layers.py): no import goes up a floor, no two
apps import each other round a circle, no two modules of one app either, counting the
imports made inside functions. The lists below allow an import that breaks a rule, with
how many times the file makes it; since issue 17 they are empty. A new one fails the
test, naming it (file:line); so does a listed one that is gone, so that the lists only
shrink. `scripts/architecture --layers` prints them all.
"""

from collections import Counter
from pathlib import Path

import pytest

from voisins import layers

REPO = Path(__file__).resolve().parent.parent

KNOWN_UPWARD = {
}
KNOWN_APP_CYCLES = {
}
KNOWN_MODULE_CYCLES = {
}


@pytest.fixture(scope="module")
def imports():
    return layers.all_imports()


def offending(found, known, what):
    """Fails naming each import over its allowance, and each allowance no longer used."""
    counts = Counter(layers.key(i) for i in found)
    new = [f"{i.where}: {i.source_node} imports {i.target} ({what})" for i in found
           if counts[layers.key(i)] > known.get(layers.key(i), 0)]
    assert not new, "\n".join(["new imports break the floors:", *new])
    gone = {k: (known[k], counts.get(k, 0)) for k in known if counts.get(k, 0) < known[k]}
    assert not gone, "\n".join(
        ["fixed (well done): lower or remove these in tests/test_layers.py:"]
        + [f"{k}: listed {was}, now {now}" for k, (was, now) in sorted(gone.items())])


def test_every_app_and_module_of_voisins_sits_on_a_declared_floor(imports):
    apps = {p.name for p in layers.ROOT.iterdir()
            if (p / "__init__.py").exists() and p.name != "locale"}
    modules = {p.stem for p in layers.ROOT.glob("*.py")} - layers.WIRING_MODULES
    assert apps | modules | {"project"} == set(layers.FLOORS)
    seen = {i.source_node for i in imports} | {i.target_node for i in imports}
    assert seen <= set(layers.FLOORS)


def test_no_import_goes_up_a_floor(imports):
    offending(layers.upward(imports), KNOWN_UPWARD, "from a lower floor to a higher one")


def test_no_circle_between_apps(imports):
    offending(layers.app_cycle_imports(imports), KNOWN_APP_CYCLES,
              "closes a circle between apps, against the order of FLOORS")
    # Without the listed imports (and the upward ones), the apps form no circle at all.
    allowed = set(KNOWN_UPWARD) | set(KNOWN_APP_CYCLES)
    left = [(i.source_node, i.target_node) for i in layers.between_nodes(imports)
            if layers.key(i) not in allowed]
    assert layers.cycles(left) == [], "apps on a circle through imports not listed here"


def test_no_circle_between_the_modules_of_an_app(imports):
    offending(layers.module_cycle_imports(imports), KNOWN_MODULE_CYCLES,
              "closes a circle between modules of its app")


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(root.parent).parents:
        if parent != Path("."):
            (root.parent / parent / "__init__.py").touch()
    path.write_text(text)
    return path


def test_the_reader_sees_imports_in_functions_relative_ones_and_not_type_checking(tmp_path):
    root = tmp_path / "voisins"
    write(root, "matches/models.py", "")
    write(root, "matches/services.py", "")
    path = write(root, "matches/views.py", (
        "from typing import TYPE_CHECKING\n"
        "from . import services\n"
        "from .models import Match\n"
        "if TYPE_CHECKING:\n"
        "    from voisins.mediation.models import Case\n"
        "def view():\n"
        "    from voisins.programmes.models import Programme\n"
        "    return Programme\n"))
    found = [(i.line, i.target, i.in_function) for i in layers.imports_of(path, root)]
    assert found == [(2, "voisins.matches.services", False),
                     (3, "voisins.matches.models", False),
                     (7, "voisins.programmes.models", True)]


def test_the_rules_name_the_offending_import_with_its_line(tmp_path):
    root = tmp_path / "voisins"
    write(root, "programmes/models.py",
          "import os\n\ndef f():\n    from voisins.matches import models\n")
    write(root, "matches/models.py", "from voisins.programmes.models import X\n")
    write(root, "matches/a.py", "from voisins.matches import b\n")
    write(root, "matches/b.py", "def f():\n    from . import a\n")
    write(root, "training/models.py", "from voisins.matches.models import Match\n")
    write(root, "recruitment/models.py", "from voisins.training.models import Module\n")
    write(root, "matches/gate.py", "from voisins.training import models\n")
    found = layers.all_imports(root)
    assert [i.where for i in layers.upward(found)] == ["voisins/programmes/models.py:4"]
    # training and matches import each other; FLOORS lists training before matches, so
    # training's import of matches is the one named (recruitment's, on no circle, is not).
    assert [i.where for i in layers.app_cycle_imports(found)] == ["voisins/training/models.py:1"]
    assert sorted(i.where for i in layers.module_cycle_imports(found)) == [
        "voisins/matches/a.py:1", "voisins/matches/b.py:2"]


def test_the_floors_and_their_picture_in_the_docs_are_drawn_from_the_code(imports):
    text = (REPO / "docs" / "development.md").read_text(encoding="utf-8")
    assert layers.replace_picture(text, layers.picture(imports)) == text, (
        "the app graph changed: run scripts/architecture --mermaid and commit docs/")


def test_the_architecture_script_prints_the_five_figures(imports):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "architecture")],
                            capture_output=True, text=True, timeout=300, check=True)
    lines = result.stdout.splitlines()
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4.", "5."]
    found = layers.cycles((i.source_node, i.target_node) for i in layers.between_nodes(imports))
    largest = found[0] if found else set()
    assert lines[0].startswith(
        f"1. apps in the largest import cycle: {len(largest - {'access'})}")
    inside = {i.where for i in layers.between_nodes(imports) if i.in_function}
    assert lines[1] == f"2. imports inside functions between apps: {len(inside)}"
    assert lines[2] == f"3. .objects. in views and API routers: {len(layers.objects_in_views())}"


def test_no_objects_in_views_or_api_routers():
    """Views and API routers read through their app's selectors.py and write through its
    services.py (docs/development.md): no `Model.objects` in them."""
    found = layers.objects_in_views()
    assert not found, "\n".join(
        ["move these reads to a selector (or writes to a service):",
         *(f"{where}: {text}" for where, text in found)])


def test_views_are_found_by_name_and_by_the_urls_that_route_to_them(tmp_path):
    root = tmp_path / "voisins"
    write(root, "shop/models.py", "class Item:\n    objects = None\n")
    write(root, "shop/selectors.py", "from .models import Item\nITEMS = Item.objects\n")
    write(root, "shop/views.py", "from .models import Item\ndef a(r):\n    Item.objects\n")
    write(root, "shop/api.py", "from .models import Item\n\n\ndef b(r):\n    Item.objects\n")
    write(root, "shop/maps.py", "from .models import Item\ndef c(r):\n    Item.objects\n")
    write(root, "shop/feeds.py", "from . import models\nclass Feed:\n    q = models.Item.objects\n")
    write(root, "shop/helpers.py", "from .models import Item\nX = Item.objects\n")
    write(root, "shop/urls.py", (
        "from django.urls import path\n"
        "from . import feeds, helpers, maps\n"
        "from .views import a\n"
        "urlpatterns = [path('a', a), path('m', maps.c), path('f', feeds.Feed()),\n"
        "               path('h', helpers.wrap(a))]\n"))
    write(root, "api/routers/things.py", "def d(r):\n    return Item.objects.all()\n")
    assert [p.relative_to(root).as_posix() for p in layers.view_modules(root)] == [
        "api/routers/__init__.py", "api/routers/things.py", "shop/api.py", "shop/feeds.py",
        "shop/maps.py", "shop/views.py"]
    assert [where for where, _text in layers.objects_in_views(root)] == [
        "voisins/api/routers/things.py:2", "voisins/shop/api.py:5", "voisins/shop/feeds.py:3",
        "voisins/shop/maps.py:3", "voisins/shop/views.py:3"]
