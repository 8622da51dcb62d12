# Every target sets up .venv first, so `make gen` and `make test` work on a machine with only Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup gen check-gen lint test bench fuzz docs serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,docs,yaml,bench]'
	touch $@

setup: $(STAMP)

## Regenerate every artefact (models, JSON Schema, docs pages) from schema/lmcontract.yaml.
gen: $(STAMP)
	$(BIN)/python -m codegen

## Fail if any committed artefact differs from a fresh regeneration.
check-gen: $(STAMP)
	$(BIN)/python -m codegen --check

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests bench
	$(BIN)/linkml lint --config schema/.linkmllint.yaml schema/lmcontract.yaml

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

## Fuzz the command line against the library, long and random (tests/test_fuzz_cli_agrees.py).
## `make test` runs the same tests derandomized, with few examples.
FUZZ_EXAMPLES ?= 20000
fuzz: $(STAMP)
	LMCONTRACT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LMCONTRACT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -x \
		-p no:cacheprovider tests/test_fuzz_cli_agrees.py

clean:
	rm -rf $(VENV) site build dist .pytest_cache .hypothesis

## Build the docs site into site/ (mkdocs build --strict: any warning fails), after regenerating its pages.
docs: gen
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

## Serve the built site on http://127.0.0.1:8000 (localhost only).
serve: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000
