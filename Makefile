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

.PHONY: venv test local report lint typecheck synth preflight policy plan bench lock clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt policies/requirements.txt functions/api/requirements.txt functions/report/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --requirement requirements-dev.txt --constraint constraints.txt
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

# Re-pin every transitive dependency after changing a top-level pin.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --requirement requirements-dev.txt
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
