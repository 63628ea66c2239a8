# Two commands on a fresh machine: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The linters live apart from the test venv: see the `lint` extra in pyproject.toml.
LINT_VENV  ?= .venv-lint
LINT_BIN   := $(LINT_VENV)/bin
LINT_STAMP := $(LINT_VENV)/.installed

.PHONY: demo test lint bench screenshots snapshot-update fake-api clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes; the package itself is installed editable.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(LINT_BIN)/python:
	$(PYTHON) -m venv $(LINT_VENV)

$(LINT_STAMP): pyproject.toml | $(LINT_BIN)/python
	$(LINT_BIN)/python -m pip install --quiet --upgrade pip
	$(LINT_BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

demo: $(STAMP)
	$(BIN)/divio-tui --demo

# TEST_WORKERS=0 runs the suite in one process (pytest-xdist's -n).
TEST_WORKERS ?= 2

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# ruff, strict mypy and the import contracts of pyproject.toml (docs/architecture.md).
lint: $(LINT_STAMP)
	$(LINT_BIN)/ruff check divio_tui tests bench
	$(LINT_BIN)/mypy
	$(LINT_BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP)
	$(BIN)/python -m tests.ui.make_screenshots

# Regenerate the snapshot tests' pictures after a change that is meant to be seen.
snapshot-update: $(STAMP)
	$(BIN)/python -m pytest tests/ui --snapshot-update $(PYTEST_ARGS)

fake-api: $(STAMP)
	$(BIN)/divio-tui fake-api --port 8765

clean:
	rm -rf $(VENV) $(LINT_VENV) build dist *.egg-info .pytest_cache
