# Two commands for a fresh machine: `make demo` runs the main job, `make test` the whole suite.
# Each creates .venv and installs what it needs when it is missing or pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck clean bench soak docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The end-to-end tests and the demo run a real engine: a pinned `pulumi` CLI, on PATH or
# cached under ~/.cache/prime-pulumi (built with `go` the first time: tests/kit/pulumi_cli.py).
WITH_CLI = cli="$$($(PY) -m tests.kit.pulumi_cli)"; PATH="$${cli:+$$cli:}$$PATH"

demo: $(STAMP)
	$(WITH_CLI) $(PY) examples/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy examples/training-with-disk/__main__.py
	$(VENV)/bin/mypy examples/multi-node-pipeline/__main__.py

test: lint typecheck
	$(WITH_CLI) $(PY) -m pytest

# The reference tables of docs/ (inputs and outputs), made anew from the models.
docs: $(STAMP)
	$(PY) -m tests.kit.reference

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# Benchmarks (bench/RESULTS.md) and the long fault campaign; both take a few minutes.
bench: $(STAMP)
	$(PY) -m bench.run

# Both faces (dynamic and native) through a real pulumi engine: a section of bench/RESULTS.md.
.PHONY: bench-faces
bench-faces: $(STAMP)
	$(PY) -m bench.faces

soak: $(STAMP)
	$(PY) -m bench.soak
