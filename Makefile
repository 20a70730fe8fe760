# The two commands of the README: `make demo` and `make test`. Everything else here is a step
# they take; each step is skipped when its inputs have not changed since it last ran.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
QIAO := $(BIN)/qiao
UV_VERSION := 0.13.9
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
DEMO_ENV := QIAO_DEBUG=0 QIAO_HTTPS=0

.PHONY: demo serve test test-sqlite test-postgres setup lint format messages browser-deps clean

demo: setup
	$(DEMO_ENV) $(QIAO) migrate --noinput -v0
	$(DEMO_ENV) $(QIAO) demo
	$(MAKE) --no-print-directory serve

serve:
	@echo "Qiao is starting at http://127.0.0.1:8000/ (web server, worker and beat; Ctrl+C stops all three)"
	$(DEMO_ENV) $(BIN)/honcho -f Procfile start

setup: $(VENV)/.deps-installed src/qiao/static/vendor/.copied var/static/staticfiles.json

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.deps-installed: $(UV) requirements.lock pyproject.toml
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

src/qiao/static/vendor/.copied: node_modules/.package-lock.json scripts/copy_vendor_assets.py
	$(BIN)/python scripts/copy_vendor_assets.py
	touch $@

var/static/staticfiles.json: src/qiao/static/vendor/.copied $(VENV)/.deps-installed $(shell find src/qiao -path '*/static/*' -type f -not -path '*/vendor/*')
	$(DEMO_ENV) $(QIAO) collectstatic --noinput --clear -v0

# Browser tests need Debian's Chromium and a CJK font (without it Chinese renders as boxes);
# the translation test needs GNU gettext. Installed only when missing.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

test: setup browser-deps lint
	$(MAKE) --no-print-directory test-sqlite
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(BIN)/python -c "import psycopg; psycopg.connect('$(POSTGRES_URL)').close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL at 127.0.0.1:5432 does not answer: the PostgreSQL run is skipped"; \
	fi

test-sqlite:
	@echo "== tests on SQLite"
	QIAO_DATABASE_URL= $(BIN)/pytest -p no:cacheprovider -n auto $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL"
	QIAO_DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -p no:cacheprovider -n auto $(PYTEST_ARGS)

lint: $(VENV)/.deps-installed
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/ruff format --check src tests scripts $(wildcard bench)

format: $(VENV)/.deps-installed
	$(BIN)/ruff check --fix src tests scripts $(wildcard bench)
	$(BIN)/ruff format src tests scripts $(wildcard bench)

# Regenerates the translation catalogs from the code (needs GNU gettext); commit the .po and .mo.
messages: $(VENV)/.deps-installed
	cd src/qiao && ../../$(QIAO) makemessages -l zh_Hans -l en --no-obsolete --no-location -i "static/vendor/*"
	cd src/qiao && ../../$(QIAO) compilemessages -v0

clean:
	rm -rf $(VENV) node_modules var src/qiao/static/vendor
