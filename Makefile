# Voisins: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs every test.
# Everything else is set up on the way: a virtualenv in .venv with Python >= 3.12, the
# package and its dependencies, the compiled translations, the database under var/.

VENV      := .venv
PY        := $(VENV)/bin/python
VOISINS   := $(VENV)/bin/voisins
STAMP     := $(VENV)/.installed-stamp
MO_STAMP  := var/.messages-stamp
PO_FILES  := $(wildcard voisins/locale/*/LC_MESSAGES/django.po)

.PHONY: run test setup axe messages makemessages lint bench clean

run: setup
	@mkdir -p var
	$(VOISINS) migrate --noinput
	$(VOISINS) collectstatic --noinput --verbosity 0
	$(VOISINS) demo --if-empty --families 120 --volunteers 100 --matches 25 --proposals 8 \
		--ended 80 --journey --network --seed 1
	@echo "Voisins is served on http://127.0.0.1:8000/ (Ctrl-C stops it)."
	$(VOISINS) runserver 127.0.0.1:8000 --noreload

test: setup axe
	$(PY) -m pytest $(PYTEST_ARGS)

# axe-core (from the npm registry) checks accessibility in the browser tests.
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks of the browser tests need it (apt-get install npm)."; fi

setup: $(STAMP) $(MO_STAMP)

$(STAMP): pyproject.toml scripts/find-python
	@set -e; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		PYTHON=$$(scripts/find-python); \
		echo "Creating $(VENV) with $$PYTHON"; \
		rm -rf $(VENV); \
		$$PYTHON -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[dev]'
	@touch $(STAMP)

# Translations are compiled with Babel (pure Python) so that a machine without GNU
# gettext can still build them; `make makemessages` (needs gettext) refreshes the catalogues.
$(MO_STAMP): $(STAMP) $(PO_FILES)
	@mkdir -p var
	$(PY) -m babel.messages.frontend compile --directory voisins/locale --domain django --statistics 2>&1 | grep -v "^$$" || true
	@touch $(MO_STAMP)

messages: $(MO_STAMP)

makemessages: setup
	cd voisins && ../$(VOISINS) makemessages --all --no-obsolete --ignore 'matching/*'
	@rm -f $(MO_STAMP)

lint: setup
	$(VENV)/bin/ruff check .
	$(VOISINS) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/.messages-stamp
