# Sinau. `make run` starts everything on SQLite and a filesystem broker;
# `make test` runs the whole suite. Both install what they need first.
# `SINAU_HOST=0.0.0.0 PORT=8123 make run` serves other devices on port 8123.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint format messages bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Sinau needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_initial_data
	$(BIN)/python manage.py credential_key
	$(BIN)/honcho --procfile Procfile.dev start --port $(PORT)

test: install
	bash bin/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages:
	$(BIN)/python manage.py makemessages --locale id --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --locale id --ignore '.venv/*'

bench: install
	$(BIN)/python -m tests.bench

clean:
	rm -rf var/broker var/test-broker var/static
