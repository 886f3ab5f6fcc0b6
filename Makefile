# plan_extract — two commands do everything on a fresh machine:
#   make run    create .venv if needed, install, extract samples/ into output/
#   make test   install if needed, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements/lock.txt

.PHONY: install bytecode run test check fuzz bench schemas clean sysdeps lock

$(PY):
	$(PYTHON) -m venv $(VENV)

# every package of the run and the tests at the exact version and hash of the lock, then
# the project itself (no dependencies, built by the locked setuptools)
$(STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# the package's modules compiled, as a regular (non-editable) install has them: where
# PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile every module again
# at every start (0.07 s), and never store the result; only changed files are redone
bytecode: install
	@$(PY) -m compileall -q src/plan_extract

run: bytecode
	$(VENV)/bin/plan-extract extract samples -o output

test: bytecode sysdeps check
	$(PY) -m pytest

# lint, formatting and types (settings in pyproject.toml), run by make test and CI
check: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

# system packages some tests use (LibreOffice converts the generated .docx fixtures
# to PDF; Chromium renders the HTML report); installed when missing, as root
sysdeps:
	@bash scripts/sysdeps.sh

# the hypothesis fuzzers of the suite, with many more examples
FUZZ_EXAMPLES ?= 20000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider

# batch and PDF benchmarks (figures go to bench/RESULTS-*.md)
bench: bytecode
	$(PY) bench/bench_batch.py --repeat 5
	$(PY) bench/bench_agencies.py

# refresh the lock from pyproject.toml (its dependencies, the test extra and the build
# backend), for Python 3.11 on Linux x86_64. pip-tools lives in its own venv, made on
# demand. The local pip configuration (extra indexes, constraints) is ignored, so the
# lock installs on any machine with the public index; LOCK_PIP_CONFIG= keeps it.
LOCK_VENV ?= .venv-lock
LOCK_PIP_CONFIG ?= PIP_CONFIG_FILE=/dev/null
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
	  { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_PIP_CONFIG) $(LOCK_VENV)/bin/pip install --quiet pip-tools; }
	mkdir -p requirements
	$(LOCK_PIP_CONFIG) CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --upgrade \
	  --generate-hashes --allow-unsafe --all-build-deps --extra test --strip-extras \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host -o $(LOCK).new pyproject.toml
	{ echo "# $(LOCK): the exact version and hashes of every package that the run and the tests"; \
	  echo "# install (pyproject.toml's dependencies, its test extra and the build backend),"; \
	  echo "# resolved for Python 3.11 on Linux x86_64. Installed by make with --require-hashes."; \
	  cat $(LOCK).new; } > $(LOCK)
	rm -f $(LOCK).new

schemas: install
	$(PY) -m plan_extract.writers.schema schemas

clean:
	rm -rf output .pytest_cache build dist src/*.egg-info
