# kolpilot — the two commands in the README are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: demo test install lint lock bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Seed the demo data into ./kolpilot-data (SQLite + Chroma) if empty, then open the chat.
demo: $(STAMP)
	$(VENV)/bin/kolpilot demo

## Run the whole test suite (PostgreSQL tests run when KOLPILOT_TEST_POSTGRES_URL is set).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check agent tools prompts memory integrations tests benchmarks

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v '^kolpilot' > requirements.lock.new && \
	  { echo "# Pinned versions for reproducible installs (pip constraints file). Regenerate with: make lock"; cat requirements.lock.new; } > requirements.lock && rm requirements.lock.new

clean:
	rm -rf $(VENV)
