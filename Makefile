# smart-table-kiosk — `make run` opens the simulator, `make test` runs the test suite.
# Both install what is missing first: system libraries (apt-get), then a .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := libzbar0 libusb-1.0-0
STAMP := $(VENV)/.installed

.PHONY: run test lint demo screenshots system-deps clean

run: system-deps $(STAMP)
	$(BIN)/kiosk simulate

test: system-deps $(STAMP)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

demo: system-deps $(STAMP)
	$(BIN)/kiosk simulate --headless --scenario config/scenarios/demo.yaml --step \
		--stats data/screenshots/demo-stats.json

screenshots: system-deps $(STAMP)
	$(BIN)/kiosk simulate --headless --scenario config/scenarios/tour.yaml --step \
		--screenshots docs/screenshots
	rm -f docs/screenshots/*.json

system-deps:
	@sh scripts/system-deps.sh $(SYSTEM_PACKAGES)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
