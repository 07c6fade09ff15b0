PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint demo bench clean

# Bytecode for our own modules too (pip writes it for the libraries), incrementally: every
# command and every parser worker then starts without compiling them, also where
# PYTHONDONTWRITEBYTECODE is set.
setup: $(STAMP)
	@$(BIN)/python -m compileall -q bot adapters storage digestif

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/digestif run

demo: setup
	$(BIN)/digestif demo

lint: setup
	$(BIN)/ruff check digestif bot adapters storage tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	for b in benchmarks/votes.py benchmarks/votes_pg.py benchmarks/extraction.py benchmarks/summaries.py benchmarks/ingest.py benchmarks/digest.py benchmarks/newsletter.py benchmarks/failover.py benchmarks/scale_out.py; do \
		[ -f $$b ] && $(BIN)/python $$b || true; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
