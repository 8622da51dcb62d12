# Every target sets up .venv first, so `make gen` and `make test` work on a machine with only Python.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup gen check-gen lint test fuzz mutate bench docs serve clean

# The TypeScript types (generated/typescript/) and their tsc test need node and the JS tools pinned
# in package.json/package-lock.json. Where npm is installed they are set up like the venv; where it
# is not, `make gen` and `make test` still work and leave the committed types as they are.
NPM        := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.installed-stamp
ifneq ($(NPM),)
JS_TOOLS := $(NODE_STAMP)
endif

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,docs,yaml,bench,arrow,duckdb,ray]'
	touch $@

setup: $(STAMP)

## Regenerate every artefact (models, JSON Schema, docs pages) from schema/lmcontract.yaml.
gen: $(STAMP) $(JS_TOOLS)
	$(BIN)/python -m codegen

## Fail if any committed artefact differs from a fresh regeneration.
check-gen: $(STAMP) $(JS_TOOLS)
	$(BIN)/python -m codegen --check

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests bench
	$(BIN)/linkml lint --config schema/.linkmllint.yaml schema/lmcontract.yaml

test: $(STAMP) $(JS_TOOLS)
	$(BIN)/python -m pytest


## Mutation testing of the merge and rule modules (mutmut; slow, not part of CI): every
## surviving mutant is listed at the end.
mutate: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[mutate]'
	# One torch thread: a forked mutant that runs a torch operation after the parent used its
	# thread pool can deadlock, which a CPU-time limit never ends.
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 HYPOTHESIS_PROFILE=mutate $(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python -m bench

## Long random runs: the merge properties with many examples, and the command line fuzzed
## against the library (tests/test_fuzz_cli_agrees.py). `make test` runs both derandomized.
FUZZ_EXAMPLES ?= 20000
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_merge_properties.py
	LMCONTRACT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LMCONTRACT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -x \
		-p no:cacheprovider tests/test_fuzz_cli_agrees.py

clean:
	rm -rf $(VENV) node_modules site build dist .pytest_cache .hypothesis mutants

## Build the docs site into site/ (mkdocs build --strict: any warning fails), after regenerating its pages.
docs: gen
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

## Serve the built site on http://127.0.0.1:8000 (localhost only).
serve: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000
