# The two commands of the README: `make serve` and `make test`. Everything else they need
# (a virtual environment, the project and its dependencies) is installed by the targets below.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TYPECHECK := .build/typecheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint typecheck pytest build install clean bench-sparql bench-pages browser nginx bench soak test-virtuoso bench-throughput bench-search

serve: $(STAMP)
	$(BIN)/cls-kg serve --host $(HOST) --port $(PORT)

build: $(STAMP)
	$(BIN)/cls-kg build

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy checks cli/, graph/, i18n/ and server/ under their installed names (cls_kg,
# cls_kg.graph, cls_kg.i18n, cls_kg.server): a folder of symlinks gives it that layout without
# moving the sources. The folder is removed afterwards, so that no folder named cls_kg stays in
# the checkout.
typecheck: $(STAMP)
	@rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/cls_kg
	@for f in cli/*; do ln -s "$$PWD/$$f" $(TYPECHECK)/cls_kg/; done
	@ln -s "$$PWD/graph" "$$PWD/i18n" "$$PWD/server" $(TYPECHECK)/cls_kg/
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
		-p cls_kg; status=$$?; rm -rf $(CURDIR)/$(TYPECHECK)/cls_kg; exit $$status

pytest: $(STAMP) browser nginx
	$(BIN)/pytest

# The browser tests drive Debian's headless Chromium: install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
		echo "installing Debian's chromium and chromium-driver for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; }

# The reverse-proxy tests run Debian's nginx with docs/deploy/nginx.conf: install it when missing.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
		echo "installing Debian's nginx-light for the reverse-proxy tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx-light \
		|| echo "nginx could not be installed: the reverse-proxy tests will be skipped"; }

install: $(STAMP)

# Benchmarks print figures; they are not part of `make test`. bench/ is a package run from the
# checkout (`python -m`): the national ones import the generator of tests/support/national.py.
bench-sparql: $(STAMP)
	$(BIN)/python -m bench.sparql_overhead

bench-pages: $(STAMP)
	$(BIN)/python -m bench.pages

# Search on the national graph of `make bench` (generated and built once, then reused).
bench-search: $(STAMP)
	$(BIN)/python -m bench.search

bench-throughput: $(STAMP)
	$(BIN)/python -m bench.throughput

# The remote-store tests on Virtuoso Open Source (Debian's package, installed when missing):
# slower than `make test` (a database per dataset), so a target of its own.
test-virtuoso: $(STAMP)
	@command -v virtuoso-t >/dev/null 2>&1 || { \
		echo "installing Debian's virtuoso-opensource for the Virtuoso tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq virtuoso-opensource; }
	CLS_KG_TEST_VIRTUOSO=1 $(BIN)/pytest tests/remote -k virtuoso

# National scale: a generated graph of 600 contracts with the full reference data.
bench: $(STAMP)
	$(BIN)/python -m bench.national.bench

soak: $(STAMP)
	$(BIN)/python -m bench.national.soak $(if $(MINUTES),--minutes $(MINUTES))

# A fresh Debian has python3 without venv/ensurepip: install python3-venv when it is missing.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "cls-kg needs Python >= 3.11 ($(PYTHON) is older)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { \
		rm -rf $(VENV); \
		echo "python3 -m venv failed: installing Debian's python3-venv"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv python3-pip \
		&& $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

clean:
	rm -rf $(VENV) .build var build *.egg-info .pytest_cache .mypy_cache .ruff_cache tests/artefacts
