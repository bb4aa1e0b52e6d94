# myhealth: `make run` for the demo, `make test` for everything CI runs.
# Needs only Python 3.11, Node.js/npm and (for tests) Debian's apt; installs the rest.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
ASSETS := build/assets
ASSET_SOURCES := $(shell find static -type f -not -path 'static/assets/*')
CATALOGUES := myhealth/translations
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 5000

.PHONY: install assets translations install-test system-deps run test test-sqlite \
        test-postgresql coverage lint translations-extract translations-update bench bench-load \
        clean

install: $(BIN)/.installed assets translations

$(BIN)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: $(ASSETS)/manifest.json

# NHS.UK frontend's built CSS, JS, images and web app manifest (from the npm package) and our
# static/ files, with content-hashed names and gzip and brotli copies, for whitenoise to serve.
$(ASSETS)/manifest.json: tools/build_assets.py node_modules/.installed $(BIN)/.installed \
		$(ASSET_SOURCES)
	$(BIN)/python tools/build_assets.py --nhsuk $(NHSUK) --out $(ASSETS)

translations: $(CATALOGUES)/cy/LC_MESSAGES/messages.mo

$(CATALOGUES)/cy/LC_MESSAGES/messages.mo: $(CATALOGUES)/cy/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile -d $(CATALOGUES)

translations-extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project myhealth -o $(CATALOGUES)/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/tidy_catalogue.py $(CATALOGUES)/messages.pot $(CATALOGUES)/cy/LC_MESSAGES/messages.po

run: install $(BIN)/.installed-demo
	$(BIN)/myhealth db upgrade
	$(BIN)/myhealth demo --port $(PORT)

# The demo's mail catcher (a local SMTP server) is an extra: a real deployment does not need it.
$(BIN)/.installed-demo: setup.cfg $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $@

install-test: install system-deps $(BIN)/.installed-test

$(BIN)/.installed-test: setup.cfg $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Chromium for browser tests, PostgreSQL for the second test run and wrk for the load
# benchmark, from Debian.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v wrk >/dev/null || \
			! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
			chromium postgresql fonts-liberation wrk; \
	fi

lint: install-test
	$(BIN)/ruff check .

# Each engine's run collects branch coverage into its own file; `coverage` combines them into
# .coverage (some code runs only on PostgreSQL), reports, and fails under the floors.
test-sqlite: install-test
	COVERAGE_FILE=.coverage.sqlite timeout 2400 $(BIN)/pytest --engine sqlite \
		--cov --cov-report= -o faulthandler_timeout=600

test-postgresql: install-test
	COVERAGE_FILE=.coverage.postgresql timeout 1800 $(BIN)/pytest --engine postgresql \
		-m "not browser" --cov --cov-report= -o faulthandler_timeout=600

# The access policy and audit trail, and the self-assessment algorithms: every line and branch.
FULLY_COVERED := myhealth/access/*,triage_algorithms/*
COVERAGE_FLOOR := 90

coverage: test-sqlite test-postgresql
	$(BIN)/coverage combine --quiet .coverage.sqlite .coverage.postgresql
	$(BIN)/coverage report --skip-covered --fail-under=$(COVERAGE_FLOOR)
	$(BIN)/coverage report --include='$(FULLY_COVERED)' --fail-under=100

test: lint test-sqlite test-postgresql coverage

bench: install-test
	$(BIN)/python -m bench.pages --quick

# A live server (gunicorn, 2 workers) under 1, 16 and 64 connections, on SQLite and PostgreSQL.
bench-load: install-test
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules $(ASSETS) static/assets .pytest_cache .ruff_cache .coverage \
		.coverage.sqlite .coverage.postgresql
