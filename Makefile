# Two commands do all the setup on a fresh machine: `make local` and `make test`.
# Both build the same virtualenv, which Pulumi.yaml also names, so `pulumi up`
# runs the code the tests ran.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
STACK ?= dev
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv test local report lint typecheck synth preflight policy plan bench load lock clean

# uv installs the same pins several times faster than pip (bench/results.md, setup
# time). pip installs uv itself at its pin in constraints.txt; INSTALLER=pip, or a
# machine where uv cannot be installed, uses pip for everything. uv reads no
# pip.conf: it uses PyPI, as CI does, unless UV_DEFAULT_INDEX says otherwise.
# --compile-bytecode: pip compiles at install too, and everything here runs with
# PYTHONDONTWRITEBYTECODE, so without it every import would compile from source,
# and a library's SyntaxWarnings would reach pytest (warnings are errors there).
INSTALLER ?= uv
PIP_INSTALL := $(PY) -m pip install --quiet --requirement requirements-dev.txt --constraint constraints.txt
UV_INSTALL := $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) --requirement requirements-dev.txt --constraint constraints.txt

$(STAMP): requirements.txt requirements-dev.txt constraints.txt policies/requirements.txt functions/api/requirements.txt functions/report/requirements.txt
	$(PYTHON) -m venv $(VENV)
	if [ "$(INSTALLER)" = uv ] && $(PY) -m pip install --quiet --constraint constraints.txt uv; then \
	  $(UV_INSTALL); \
	else \
	  [ "$(INSTALLER)" = pip ] || echo "uv could not be installed; installing with pip" >&2; \
	  $(PIP_INSTALL); \
	fi
	touch $@

venv: $(STAMP)

test: $(STAMP)
	$(PY) -B -m pytest $(PYTEST_ARGS)

local: $(STAMP)
	$(PY) -B -m tooling.local

# The weekly report now, against a running `make local` (PERIOD=2026-W05, CLOUD=aws|gcp).
report: $(STAMP)
	$(PY) -B -m tooling.local_cloud.report $(if $(PERIOD),--period $(PERIOD)) $(if $(CLOUD),--cloud $(CLOUD))

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/pyright

synth: $(STAMP)
	$(PY) -B -m tooling.synth $(STACK)

# What a real deploy of STACK would reject (provider validation, deploy identity,
# replacement hazards, committed config): offline, seconds, non-zero on any finding.
preflight: $(STAMP)
	$(PY) -B -m tooling.preflight $(STACK)

policy: $(STAMP)
	$(PY) -B -m tooling.policy_check $(STACK)

plan: $(STAMP)
	$(PY) -B -m tooling.plan $(STACK) $(if $(BASE),--base $(BASE))

bench: $(STAMP)
	$(PY) -B -m bench

# Mixed reads and writes against both local endpoints in each database mode (a few
# minutes; its own local cloud on free ports); results in bench/load.md.
load: $(STAMP)
	$(PY) -B -m bench.load_report

# Re-pin every transitive dependency after changing a top-level pin.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --requirement requirements-dev.txt
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
