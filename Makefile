# attune: `make run` sets everything up and starts the app with demo data;
# `make test` sets everything up and runs every check and test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# Tests run on SQLite always, and on PostgreSQL when this is set (CI sets it).
ATTUNE_TEST_DATABASE_URL ?=
export ATTUNE_TEST_DATABASE_URL

.PHONY: setup run team worker oidc-provider test test-standalone lint typecheck browser clean-data samples bench help

help:
	@echo "make run    set up and start the app with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run ruff, mypy and the whole test suite"
	@echo "make test-standalone   the same in a fresh clone with nothing beside it"
	@echo "make team   a team server here: Caddy (HTTPS) in front of two app servers, a worker"
	@echo "            on Redis, PostgreSQL (see docs/deploy.md)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/attune init
	$(BIN)/attune demo
	@echo "Starting the job worker and the app on http://127.0.0.1:$(PORT) (Ctrl+C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/attune worker & \
	$(BIN)/streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

worker: setup
	$(BIN)/attune worker

# A team server on this machine (docs/deploy.md): PostgreSQL and Redis must be running.
team: setup browser
	$(BIN)/python deploy/team.py

# Debian's chromium for the browser tests (Playwright cannot download browsers here),
# poppler-utils (pdftotext) to read the PDFs the tests make, caddy for the team server.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
		&& command -v caddy >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium, poppler-utils and caddy for the tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils caddy; }

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

# The OpenID Connect provider the organisation sign-in tests start (oidc-provider, npm),
# from its lock file, before the tests run in parallel.
OIDC_DIR := tests/team/oidc
oidc-provider:
	@test -f $(OIDC_DIR)/node_modules/oidc-provider/package.json || \
		(cd $(OIDC_DIR) && npm ci --no-audit --no-fund --loglevel=error)

test: setup browser oidc-provider lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests were collected (exit 5); nothing failed"; exit 0; fi; exit $$rc

# A clone is enough: clone the committed tree into an empty temporary folder (nothing
# beside it, its own .venv) and run `make test` there. Uncommitted changes are not in it.
test-standalone:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "Cloning into $$tmp/attune and running make test there"; \
	git clone --quiet . "$$tmp/attune" && $(MAKE) -C "$$tmp/attune" test PYTHON=$(PYTHON)

samples: setup
	$(BIN)/python sample_clips/make_samples.py

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/reel.py
	$(BIN)/python bench/agreement.py
