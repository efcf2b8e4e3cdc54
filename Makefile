# fogbank: `make serve` starts a local AWS cloud on 127.0.0.1:4566; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2

.PHONY: venv serve test lint bench bench-peers clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

serve: venv
	$(BIN)/fogbank serve

lint: venv
	$(BIN)/ruff check fogbank tests bench

test: venv lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

bench-peers:
	bench/peers.sh

bench: venv
	$(BIN)/python -m bench --targets fogbank,moto,ministack

clean:
	rm -rf $(VENV) .fogbank .cache
