# plan_extract — two commands do everything on a fresh machine:
#   make run    create .venv if needed, install, extract samples/ into output/
#   make test   install if needed, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install bytecode run test fuzz bench schemas clean sysdeps

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# the package's modules compiled, as a regular (non-editable) install has them: where
# PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile every module again
# at every start (0.07 s), and never store the result; only changed files are redone
bytecode: install
	@$(PY) -m compileall -q src/plan_extract

run: bytecode
	$(VENV)/bin/plan-extract extract samples -o output

test: bytecode sysdeps
	$(PY) -m pytest

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

schemas: install
	$(PY) -m plan_extract.writers.schema schemas

clean:
	rm -rf output .pytest_cache build dist src/*.egg-info
