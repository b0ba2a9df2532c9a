# zimes-audit: the two commands a newcomer needs are `make audit` and `make test`.
# Each creates .venv from nothing when it is missing (Python 3.11, pinned by constraints.txt).
#
# Two environments in one .venv, each marked by a stamp file:
#   .venv/.installed-runtime  what the audit itself needs (make audit): no JupyterLab, pytest, ruff
#   .venv/.installed-dev      adds the dev extra: pytest, hypothesis, ruff, JupyterLab (make test, lab)
#   .venv/.installed-bench    adds the bench extra: polars and fastexcel, for the benchmark's floor (make bench)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev
BENCH   := $(VENV)/.installed-bench
AS_OF  ?= $(shell date +%F)

.PHONY: audit test thorough test-install lint bench lab inventory suites lock clean

$(RUNTIME): pyproject.toml constraints.txt
	@echo "zimes-audit: installing the audit's dependencies into $(VENV)/ (pandas, Great Expectations,"
	@echo "  the Jupyter kernel that executes the audit notebook, …; pinned by constraints.txt)."
	@echo "  The first time this takes 2-5 minutes and ~850 MB; later runs skip it."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@
	@echo "zimes-audit: installed."

$(DEV): $(RUNTIME)
	@echo "zimes-audit: adding the development tools to $(VENV)/ (pytest, hypothesis, ruff, JupyterLab);"
	@echo "  the first time this takes 1-3 minutes more."
	$(PIP) -e ".[dev]"
	@touch $@

$(BENCH): $(RUNTIME)
	@echo "zimes-audit: adding the benchmark's floor (polars, fastexcel) to $(VENV)/."
	$(PIP) -e ".[bench]"
	@touch $@

# the name older notes use: the full development environment
$(VENV)/.installed: $(DEV)
	@touch $@

## audit: audit data_samples/ (the synthetic demo) as of today; the report goes to reports/<date>/
audit: $(RUNTIME)
	@echo "zimes-audit: the synthetic demo in data_samples/ (your own exports: see the README)."
	$(BIN)/zimes-audit inventory data_samples
	@echo "zimes-audit: auditing data_samples/ as of $(AS_OF); executing the notebook takes a minute."
	$(BIN)/zimes-audit run data_samples --as-of $(AS_OF)

## test: lint, suite drift check and every test (notebooks executed by a real kernel), on two
## workers (pytest-xdist; a test file stays on one worker, so its module fixtures run once; files
## sharing a costly session fixture share a worker, and the longest go first: tests/conftest.py)
PYTEST_WORKERS ?= 2
test: $(DEV) lint
	$(BIN)/python -m zimes_audit.checks.suites
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

## thorough: every test with the generated (hypothesis) tests at the counts the issues ask for
## (hundreds of layouts and month sequences; tens of minutes)
thorough: $(DEV)
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

## test-install: the README's install route without make, on a fresh clone and venv (minutes)
test-install: $(DEV)
	ZIMES_TEST_INSTALL=1 $(BIN)/pytest tests/test_readme.py -k install -ra

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## bench: heading classification on the held-out list (right / unknown / WRONG, a second), then
## detector accuracy and speed (published vectors, look-alike corpus), then the audit
## against an independent floor and the bare read at 1M orders + 200k register rows, on the kind, unkind and guest workloads
## (prints figures, writes bench-out/detectors.json and bench-out/bench.json; docs/performance.md).
## BENCH_ARGS="--sizes 100000:20000" for a smaller run.
bench: $(BENCH)
	$(BIN)/python -m benchmarks.headings --out bench-out
	$(BIN)/python -m benchmarks.detectors --out bench-out
	$(BIN)/python -m benchmarks.bench --out bench-out $(BENCH_ARGS)

## lab: JupyterLab on notebooks/
lab: $(DEV)
	$(BIN)/jupyter lab notebooks/

inventory: $(RUNTIME)
	$(BIN)/zimes-audit inventory data_samples

## suites: regenerate expectations/*.json from the catalogue and rule definitions
suites: $(RUNTIME)
	$(BIN)/python -m zimes_audit.checks.suites --sync

## lock: re-pin every dependency into constraints.txt (after changing pyproject.toml)
lock: $(DEV)
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) bench-out .pytest_cache .ruff_cache
