# Two commands on a fresh machine: `make run` (set up, load the default data, run the main job, then serve the
# dashboard at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= out/ibrain.duckdb
HOST   ?= 127.0.0.1
PORT   ?= 8000
WEB    := src/industrial_brain/web
# Debian packages for the browser tests (headless Chromium driven by Playwright), CJK glyphs in screenshots
# and briefings (WeasyPrint typesets with Pango), and poppler-utils (pdftoppm, pdffonts) to check the PDFs.
BROWSER_PKGS := chromium chromium-driver fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils

.PHONY: run test lint install bench clean browsers

# Python packages, plus the dashboard's charting library (Apache ECharts), its XLSX writer (write-excel-file) and the API docs page's
# Swagger UI from the npm registry, copied to $(WEB)/vendor (gitignored; never committed).
$(STAMP): pyproject.toml requirements.lock $(WEB)/package.json $(WEB)/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[test,peers,bench,spark]"
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(WEB)/vendor && cp $(WEB)/node_modules/echarts/dist/echarts.min.js \
	  $(WEB)/node_modules/swagger-ui-dist/swagger-ui-bundle.js $(WEB)/node_modules/swagger-ui-dist/swagger-ui.css \
	  $(WEB)/node_modules/write-excel-file/bundle/write-excel-file.min.js $(WEB)/vendor/
	touch $(STAMP)

# Chromium for the browser tests: installed with apt when running as root (CI); otherwise the
# browser tests skip and say why.
browsers:
	@if command -v chromium >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PKGS); \
	else echo "note: chromium not installed and not root: browser tests will be skipped (sudo make browsers)"; fi

install: $(STAMP)

run: $(STAMP)
	$(BIN)/ibrain demo --db $(DB) --out out
	@echo "Industrial Brain dashboard 看板: http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(BIN)/ibrain serve --db $(DB) --host $(HOST) --port $(PORT)

# The layer contracts (import-linter) and the linter run first: a broken rule fails the build like a test.
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) browsers lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis .ci-artifacts $(WEB)/node_modules $(WEB)/vendor
