# On a fresh machine: `make demo`, `make test`, `make serve`. Each sets up .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench bench-smoke sample docs serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ocr]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/guichets demo --out demo

# The web app on the demo workspace (made first if missing); Ctrl-C stops it.
serve: $(STAMP)
	@test -f demo/workspace/guichets.duckdb || $(BIN)/guichets demo --out demo
	$(BIN)/guichets --workspace demo/workspace serve --open

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests bench evidence templates
	$(BIN)/ruff format --check toolkit tests bench evidence templates
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix toolkit tests bench evidence templates
	$(BIN)/ruff format toolkit tests bench evidence templates

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Every benchmark at a tiny size, once: proves each still runs (CI).
bench-smoke: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b --smoke"; $(BIN)/python $$b --smoke || exit 1; done

sample: $(STAMP)
	$(BIN)/python evidence/make_sample.py

docs: $(STAMP)
	$(BIN)/python -m toolkit.clidoc README.md

clean:
	rm -rf demo .pytest_cache .mypy_cache .ruff_cache
