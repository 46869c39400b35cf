# The two commands: `make serve` and `make test`. Both create .venv on demand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM ?= /usr/bin/chromium

.PHONY: serve site test quick lint typecheck browser dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	@# with `pagefind`: the tests of search_engine: pagefind run its program
	$(BIN)/pip install --quiet -e ".[test,pagefind]"
	@# a second generator for the render test; optional: its test skips when it is missing
	$(BIN)/pip install --quiet zensical || echo "Zensical could not be installed; its render test will be skipped"
	touch $@

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

site: $(STAMP)
	$(BIN)/mkdocs build --strict

# Chromium comes from the system's packages (a browser download of the test tool's own
# cannot work on a closed network); skipped quietly when apt is not available.
browser:
	@if [ ! -x $(CHROMIUM) ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Chromium from the system's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || true; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

test: $(TEST_STAMP) browser lint typecheck
	$(BIN)/pytest -q

# the fast tests only: no MkDocs/Material site builds, no Chromium, no wheel installed into fresh
# environments (markers set in tests/conftest.py and, for tests/test_install.py, in the file)
quick: $(TEST_STAMP)
	$(BIN)/pytest -q -m "not site and not browser"

# a release: the sdist and the wheel in dist/, checked (tests/test_install.py installs them)
dist: $(TEST_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

clean:
	rm -rf $(VENV) site build dist *.egg-info plugins/*.egg-info
