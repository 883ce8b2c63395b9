# digecon: `make run` runs the whole pipeline on the bundled sample data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# All runtime data (landing, build, serving, exports, tokens, Dagster's home) lives under DIGECON_HOME.
export DIGECON_HOME ?= $(CURDIR)/warehouse
# The bundled sample's reference date ("today" for late, missing and time elapsed); empty means today.
export DIGECON_REFERENCE_DATE ?= 2024-01-10

.PHONY: install run test soak bench dev lint clean

install: $(BIN)/.installed

# Reinstalls only when the dependencies change; the package itself is installed editable.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e ".[test]"
	# An old DuckDB client beside the venv: the test that BI drivers (1.2+) can open the serving file.
	$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps --target $(VENV)/duckdb-1.2 "duckdb==1.2.*"
	touch $@

run: install
	$(BIN)/digecon run --sample

test: install
	$(BIN)/python -m pytest -q

# Longer than CI allows: the service under full load (benchmarks/results/service_load.json), then the
# kill -9, concurrent-writer and full-disk tests three times over.
soak: install
	$(BIN)/python benchmarks/service_load.py
	for round in 1 2 3; do $(BIN)/python -m pytest -q tests/test_faults.py tests/test_full_disk.py || exit 1; done

# Every benchmark at full size (the national data, the three paths side by side, the commands, BI, the
# upload): one JSON each in benchmarks/results/ and the README's Benchmarks table. Long: run it once.
bench: install
	$(BIN)/python benchmarks/bench.py

dev: install
	$(BIN)/digecon dev

lint: install
	$(BIN)/ruff check indicators pipelines tests benchmarks

clean:
	rm -rf $(VENV) warehouse/landing warehouse/build warehouse/serving warehouse/exports warehouse/inbox warehouse/dagster warehouse/tmp
