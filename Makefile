# Two commands for a fresh machine with Python 3.11 and make:
#   make run   - set up .venv and start the app on the default scenario
#   make test  - set up .venv and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test test-quick check bench load lock clean expected

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

# the whole suite, after the code checks (lint, format, types; the import layers are a test),
# with the 20 slowest tests listed
test: check
	$(BIN)/python -m pytest -n 2 --durations=20

# the inner loop: everything but the slow and browser tests, in under two minutes
test-quick: check
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser"

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

# Regenerate the expected-results backtests (tests/expected/) after a change to the model that is
# meant to move them; commit them with the reason.
expected: $(STAMP)
	$(BIN)/python tests/backtest_cases.py

# 10 concurrent browser sessions comparing plans on a local app (needs chromium)
load: $(STAMP)
	$(BIN)/python benchmarks/load_app.py --sessions 10

# Regenerate requirements.lock from the pins in pyproject.toml (needs the registry).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet --upgrade pip==26.3
	.lockenv/bin/python -m pip install --quiet ".[test]" setuptools==80.9.0
	.lockenv/bin/python -m pip freeze --all --exclude pip --exclude probation-continuity-sim > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .pytest_cache
