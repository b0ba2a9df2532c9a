# zimes-audit: the two commands a newcomer needs are `make audit` and `make test`.
# Each creates .venv from nothing when it is missing (Python 3.11, pinned by constraints.txt).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  ?= $(shell date +%F)

.PHONY: audit test lint bench lab inventory suites lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

## audit: audit data_samples/ as of today; the report goes to reports/<date>/
audit: $(STAMP)
	$(BIN)/zimes-audit inventory data_samples
	$(BIN)/zimes-audit run data_samples --as-of $(AS_OF)

## test: lint, suite drift check and every test (notebooks executed by a real kernel)
test: $(STAMP) lint
	$(BIN)/python -m zimes_audit.checks.suites
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: detector accuracy and speed (published vectors, look-alike corpus), then timings at
## 100k and 1M records (prints figures, writes bench-out/detectors.json and bench-out/bench.json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.detectors --out bench-out
	$(BIN)/python -m benchmarks.bench --out bench-out

## lab: JupyterLab on notebooks/
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

inventory: $(STAMP)
	$(BIN)/zimes-audit inventory data_samples

## suites: regenerate expectations/*.json from the catalogue and rule definitions
suites: $(STAMP)
	$(BIN)/python -m zimes_audit.checks.suites --sync

## lock: re-pin every dependency into constraints.txt (after changing pyproject.toml)
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) bench-out .pytest_cache .ruff_cache
