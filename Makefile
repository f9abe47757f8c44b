# Two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint messages serve-prod clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --if-empty
	@echo "Tongban: http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

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
	rm -rf $(VENV) staticfiles .pytest_cache
