# Houqin: every target works on a fresh machine with only Python 3.11+ present.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: install migrate demo serve test test-postgres e2e browser lint format messages vendor clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Install, migrate, load the demo school, then serve it with a task worker and scheduler.
demo: migrate
	$(BIN)/python manage.py load_demo
	HOUQIN_DEBUG=1 $(BIN)/python manage.py run_demo --addr $(HOST):$(PORT)

# The whole suite on SQLite (browser tests included when Chromium can be installed).
test: install browser
	HOUQIN_TESTDOCS=1 $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# The same suite on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/houqin make test-postgres
test-postgres: install browser
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (never a downloaded browser build).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) \
	      || echo "Chromium could not be installed: browser tests will be skipped"; \
	  else echo "Chromium is not installed (run as root, or apt-get install chromium): browser tests will be skipped"; fi; \
	fi
	@# Chinese text in screenshots and printed PDFs needs a CJK font (else it shows as boxes).
	@if [ ! -d /usr/share/fonts/opentype/noto ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null) \
	    || echo "fonts-noto-cjk could not be installed: Chinese screenshots will show boxes"; \
	fi

e2e: install browser
	$(BIN)/python -m pytest -q e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract messages, fill zh-hant from zh-hans where it is empty, and compile catalogues.
messages: install
	$(BIN)/python scripts/i18n_sync.py

# Fetch the front-end libraries from the npm registry into static/vendor/.
vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) var/staticfiles
