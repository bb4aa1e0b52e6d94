# myhealth: `make run` for the demo, `make test` for everything CI runs.
# Needs only Python 3.11, Node.js/npm and (for tests) Debian's apt; installs the rest.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
ASSETS := static/assets
CATALOGUES := myhealth/translations
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 5000

.PHONY: install translations install-test system-deps run test test-sqlite test-postgresql lint \
        translations-extract translations-update bench clean

install: $(BIN)/.installed $(ASSETS)/.built translations

$(BIN)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# NHS.UK frontend's built CSS, JS, fonts-free images and manifest, from the npm package.
$(ASSETS)/.built: node_modules/.installed
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.js $(ASSETS)/
	cp -R $(NHSUK)/assets/. $(ASSETS)/
	touch $@

translations: $(CATALOGUES)/cy/LC_MESSAGES/messages.mo

$(CATALOGUES)/cy/LC_MESSAGES/messages.mo: $(CATALOGUES)/cy/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile -d $(CATALOGUES)

translations-extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project myhealth -o $(CATALOGUES)/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python tools/tidy_catalogue.py $(CATALOGUES)/messages.pot $(CATALOGUES)/cy/LC_MESSAGES/messages.po

run: install
	$(BIN)/myhealth db upgrade
	$(BIN)/myhealth demo --port $(PORT)

install-test: install system-deps $(BIN)/.installed-test

$(BIN)/.installed-test: setup.cfg $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Chromium for browser tests and PostgreSQL for the second test run, from Debian.
system-deps:
	@if ! command -v chromium >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
			chromium postgresql fonts-liberation; \
	fi

lint: install-test
	$(BIN)/ruff check .

test-sqlite: install-test
	timeout 2400 $(BIN)/pytest --engine sqlite --cov --cov-report=term:skip-covered -o faulthandler_timeout=600

test-postgresql: install-test
	timeout 1800 $(BIN)/pytest --engine postgresql -m "not browser" -o faulthandler_timeout=600

test: lint test-sqlite test-postgresql

bench: install-test
	$(BIN)/python -m bench.pages --quick

clean:
	rm -rf $(VENV) node_modules $(ASSETS) .pytest_cache .ruff_cache .coverage
