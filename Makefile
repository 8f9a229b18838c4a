# Two commands do all set-up on a fresh machine:  make run  |  make test
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
EXTRA  := $(VENV)/.distributed
BUNDLE := bundle/dist/plotly-wuzhou.min.js

.PHONY: run test bench system-deps clean

$(STAMP): requirements.txt requirements-test.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $(STAMP)

# the optional distributed engine (Dask): not needed to run, installed for the tests that cover it
$(EXTRA): $(STAMP) requirements-distributed.txt
	$(PY) -m pip install --quiet -r requirements-distributed.txt
	touch $(EXTRA)

# plotly.js with only the traces the pages draw, the regenerator runtime in place of Babel's polyfill and
# AG Grid's stand-in (pages/page_scripts.py), from the npm registry
$(BUNDLE): bundle/package.json bundle/package-lock.json bundle/build.js bundle/plotly-wuzhou.js bundle/grid-on-demand.js
	@command -v npm >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm)
	cd bundle && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

## run: install, build the demo city on first run, serve on http://127.0.0.1:8050
run: $(STAMP) $(BUNDLE)
	$(PY) app.py serve

## system-deps: the browser and CJK fonts the UI tests drive, Pango for the briefing PDF (Debian packages; needs root)
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list | grep -qi "noto.*cjk" \
	  && ldconfig -p | grep -q libpangoft2 \
	  || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-noto-cjk \
	      libpango-1.0-0 libpangoft2-1.0-0)

## test: install test needs (and the distributed extra) and run the whole suite
test: $(STAMP) $(EXTRA) $(BUNDLE) system-deps
	$(PY) -m pytest

## bench: the performance benchmark, one table
bench: $(STAMP) $(BUNDLE)
	$(PY) -m bench

clean:
	rm -rf var assets/geo tests/screenshots bundle/dist bundle/node_modules
