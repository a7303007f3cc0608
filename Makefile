# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python 3.12+ on PATH (pyenv's shims answer with the .python-version one).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
WITHDB := $(BIN)/python -m allworkouts.withdb
MANAGE := $(BIN)/python manage.py

.PHONY: help install setup run test lint bench migrate

help:
	@echo "make run    install, set up the database and serve http://127.0.0.1:8000"
	@echo "make test   install and run the whole test suite"
	@echo "make setup  install, migrate, load the catalog and the demo account (idempotent)"
	@echo "make lint   ruff"
	@echo "make bench  load benchmark: the app under gunicorn against the database's own ceiling"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

.env:
	$(BIN)/python -c 'import secrets, pathlib; \
	text = pathlib.Path(".env.example").read_text(); \
	text = text.replace("DJANGO_SECRET_KEY=", "DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50), 1); \
	pathlib.Path(".env").write_text(text)'

install: $(VENV)/.installed .env

setup: install
	$(WITHDB) bash -c '$(MANAGE) migrate --database owner --no-input && \
		$(MANAGE) load_catalog && $(MANAGE) create_demo_account'

run: install
	$(WITHDB) bash -c '$(MANAGE) migrate --database owner --no-input && \
		$(MANAGE) load_catalog && $(MANAGE) create_demo_account && \
		$(MANAGE) runserver 127.0.0.1:8000'

test: install
	$(WITHDB) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# One JSON object on stdout (`make -s bench` leaves nothing else there); progress on stderr.
# Options: make bench BENCH_ARGS="--lifters 64 --seconds 60".
bench: install
	@$(WITHDB) bash -c '$(MANAGE) migrate --database owner --no-input >&2 && \
		$(MANAGE) load_catalog >&2 && $(MANAGE) bench $(BENCH_ARGS)'
