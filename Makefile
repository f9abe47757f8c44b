# Two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
# `make test VENV=/tmp/venvcheck` builds and tests in a throwaway venv.
VENV ?= .venv
BIN := $(VENV)/bin
# Installs come from the locks (exact versions, checked by hash); the .txt files are their
# inputs. To update the locks, see docs/development.md, "Updating the lock".
PIP_INSTALL := $(BIN)/python -m pip install --quiet --require-hashes
# The project itself, editable, for the `tongban` console command: a separate call, since
# pip refuses an editable requirement under --require-hashes. No dependencies (the locks
# have them); pip builds it with the setuptools of [build-system] (the venv's own may be
# too old to build editable wheels, or absent on Python 3.12+).
PIP_EDITABLE := $(BIN)/python -m pip install --quiet --no-deps -e .
# One test worker per core (pytest-xdist); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
# Extra pytest arguments, e.g. PYTEST_ARGS='-m "not browser"'.
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint messages serve-prod clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements.lock
	$(PIP_EDITABLE)
	touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.lock
	$(PIP_EDITABLE)
	touch $(VENV)/.installed $@

# Re-pin after editing requirements*.txt (or to take newer releases: LOCK_FLAGS=--upgrade).
PIP_COMPILE := $(VENV)/lock-tools/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)
lock:
	test -x $(VENV)/lock-tools/bin/pip-compile || \
		($(PYTHON) -m venv $(VENV)/lock-tools && $(VENV)/lock-tools/bin/pip install --quiet pip-tools)
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

# TONGBAN_DEMO=0 make run: start a real program (no demo; see README).
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --if-empty
	@echo "Tongban: http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh the catalogues after changing strings, then translate the new entries in the .po files.
messages: $(VENV)/.installed-dev
	cd tongban && ../$(BIN)/django-admin makemessages -l zh_Hans -l en --no-obsolete
	cd tongban && ../$(BIN)/django-admin compilemessages

serve-prod: $(VENV)/.installed
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn tongban.wsgi --workers 3 --bind $(HOST):$(PORT)

clean:
	rm -rf $(VENV) $(VENV)/lock-tools staticfiles .pytest_cache
