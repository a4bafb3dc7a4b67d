# ogptracker — `make run` serves the demo portal; `make test` runs the whole suite on PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The newest Python 3.12+ on PATH or under pyenv.
PYTHON ?= $(shell for v in 3.14 3.13 3.12; do \
	for c in $$(command -v python$$v 2>/dev/null) $$HOME/.pyenv/versions/$$v*/bin/python$$v /usr/local/bin/python$$v /usr/bin/python$$v; do \
	  if [ -x "$$c" ] && "$$c" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
	done; done)

.PHONY: help venv run test test-postgres test-sqlite fuzz lint messages check-deploy clean backup restore bench

help:
	@echo "make run    set up and serve the demo portal at http://127.0.0.1:$(PORT), with the email worker"
	@echo "make test   set up and run the whole suite on PostgreSQL, then on SQLite"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make bench  requests/s, latency and queries of every public page through gunicorn on DATABASE_URL"
	@echo "make fuzz   a long randomised schemathesis session against the API (FUZZ_SECONDS=300 a run)"
	@echo "make backup                         database and uploaded files into backups/*.tar.gz"
	@echo "make restore ARCHIVE=backups/….tar.gz  restore one into an empty portal (REPLACE=1 empties it first)"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "ogptracker needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (for example 'pyenv install 3.13' or 'apt-get install python3.12 python3.12-venv') and run make again."; \
	  exit 1; fi
	@echo "Using $(PYTHON)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

venv: $(VENV)/.installed

messages: venv
	if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

run: venv messages
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py loaddemo
	# The web server, the task worker (emails print here) and the scheduled notifications.
	DEBUG=$${DEBUG:-1} PY=$(PY) bash scripts/run.sh $(PORT)

test: venv messages
	bash scripts/test.sh

bench: venv messages
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-bench-only-$$RANDOM$$RANDOM-not-for-production} $(PY) manage.py collectstatic --no-input -v 0
	$(PY) scripts/bench.py

fuzz: venv
	bash scripts/fuzz.sh

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check-deploy: venv
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

backup: venv
	bash scripts/backup.sh backup $(ARCHIVE)

restore: venv
	@if [ -z "$(ARCHIVE)" ]; then echo "Which archive? make restore ARCHIVE=backups/ogptracker-….tar.gz"; exit 2; fi
	bash scripts/backup.sh restore "$(ARCHIVE)" $(if $(REPLACE),--replace,)

clean:
	rm -rf $(VENV) staticfiles .pgtmp
