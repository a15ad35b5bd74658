# claimdesk — every target is a real entry point; each installs what it needs.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
# SQLite full-text search (FTS5) is a build tag of mattn/go-sqlite3: every
# go build, test and run of this project needs -tags sqlite_fts5.
TAGS    := sqlite_fts5
# The htmx version is the one static/package.json pins; nothing else names it.
HTMX_VERSION := $(shell sed -n 's/.*"htmx.org": *"\([^"]*\)".*/\1/p' static/package.json)
HTMX    := static/htmx-$(HTMX_VERSION).min.js
# The W3C Nu HTML Checker for the page-validity test, from the npm package
# vnu-jar pinned in internal/vnu/package.json (run with java).
VNU     := internal/vnu/node_modules/vnu-jar/build/dist/vnu.jar
# axe-core (static/package.json's devDependencies) checks pages for
# accessibility in the browser tests; it is never served.
AXE     := static/node_modules/axe-core/axe.min.js
BIN     := bin/claimdesk
PGURL_FILE := /tmp/claimdesk-pg-url
GO_TEST := go test -tags $(TAGS) -count=1
# apt waits up to 5 minutes for another apt or dpkg to let go of its lock.
APT     := apt-get -o DPkg::Lock::Timeout=300

.PHONY: run build check test bench eval train fmt lint generate deps-test pg-start pg-stop clean loadtest

run: build
	./$(BIN) serve

build: $(HTMX) generate
	go build -tags $(TAGS) -o $(BIN) ./cmd/claimdesk

# htmx comes from the npm package htmx.org (version pinned in static/package.json).
$(HTMX): static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	rm -f static/htmx-*.min.js
	cp static/node_modules/htmx.org/dist/htmx.min.js $(HTMX)

$(VNU): internal/vnu/package.json internal/vnu/package-lock.json
	cd internal/vnu && npm ci --no-audit --no-fund --loglevel=error
	touch $(VNU)

$(AXE): static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE)

# The fast loop between commits: formatting, vet, stale templ code, and the
# suite with -short -race on SQLite alone (no PostgreSQL, no Chromium).
check: lint
	env -u CI -u CLAIMDESK_TEST_DATABASE_URL go test -tags $(TAGS) -short -race -count=1 ./...

generate:
	go tool templ generate

# Installs Chromium, nginx, Java and PostgreSQL from Debian when missing
# (and the HTML checker and axe-core from npm), starts a throwaway
# PostgreSQL on 127.0.0.1:55432 and runs the whole suite on both databases,
# with browser tests in headless Chromium (axe-core's accessibility checks
# among them) and every rendered page through the HTML checker.
test: $(HTMX) $(VNU) $(AXE) generate deps-test pg-start
	@set -o pipefail; status=0; \
	CI=$${CI:-true} CLAIMDESK_TEST_DATABASE_URL=$$(cat $(PGURL_FILE)) CLAIMDESK_CHROMIUM=$$(command -v chromium) \
	  $(GO_TEST) -timeout 30m ./... || status=$$?; \
	$(MAKE) --no-print-directory pg-stop; exit $$status

# Chromium for the browser tests, nginx for the proxy tests, Java for the
# HTML checker.
deps-test:
	@missing=""; command -v chromium >/dev/null || missing="chromium fonts-dejavu-core"; \
	  command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	  command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	  if [ -n "$$missing" ]; then echo "installing$$missing"; export DEBIAN_FRONTEND=noninteractive; \
	  $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; fi

pg-start:
	@bash .ci/postgres.sh start > $(PGURL_FILE)

pg-stop:
	@bash .ci/postgres.sh stop

# The long load test: 50 editors in pairs on shared claims plus 8 readers for
# 60 s on SQLite and on PostgreSQL; prints throughput and latency per route and
# fails on any lost write, false conflict or 5xx. (make test runs a short one.)
loadtest: $(HTMX) generate pg-start
	@set -o pipefail; status=0; \
	CI=$${CI:-true} CLAIMDESK_TEST_DATABASE_URL=$$(cat $(PGURL_FILE)) \
	  $(GO_TEST) -timeout 20m -run '^TestLoad$$' -v ./internal/loadtest \
	  -args -loadtest.editors=50 -loadtest.readers=8 -loadtest.duration=60s || status=$$?; \
	$(MAKE) --no-print-directory pg-stop; exit $$status

# Go benchmarks, then wrk against an embed card, a claim page, the home
# page, an article page and the feed, each beside a bare net/http handler
# serving the same bytes (127.0.0.1 only), in interleaved rounds: ratio,
# server CPU per request, p99 at 32 connections, 304 runs, and RSS. The
# servers run on CPU 0 and wrk on the others; WEBBENCH_FLAGS=-pin=false
# shares the CPUs, -strict fails on a missed goal.
bench: $(HTMX) generate
	go test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...
	@command -v wrk >/dev/null || { echo "installing wrk"; export DEBIAN_FRONTEND=noninteractive; \
	  $(APT) update -qq && $(APT) install -y -qq wrk >/dev/null; }
	go run -tags $(TAGS) ./cmd/webbench -c 32 $(WEBBENCH_FLAGS)

eval:
	go run -tags $(TAGS) ./cmd/spoteval

# Rebuilds internal/spot/model/checkworthy.bin from the public sentences in
# ../shared/data/checkworthy and prints the 5-fold cross-validated figures on
# train and the dev figures (about two minutes on one core).
train:
	@test -f ../shared/data/checkworthy/train.tsv || { echo "make train: ../shared/data/checkworthy/train.tsv is missing; the model is trained on the public data in ../shared beside the repository"; exit 2; }
	go run -tags $(TAGS) ./cmd/spottrain

fmt: generate
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')

# Fails on unformatted code, vet findings, and generated templ code that
# differs from what its .templ source generates now.
lint: $(HTMX)
	@test -z "$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go'))" || { gofmt -l $$(git ls-files -co --exclude-standard '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	@templ=$$(go tool -n templ) && tmp=$$(mktemp -d) && cp -r views $$tmp/ && (cd $$tmp && $$templ generate >/dev/null 2>&1) && \
	  diff -r -q views $$tmp/views >/dev/null || { diff -r -q views $$tmp/views; rm -rf $$tmp; echo "templ: generated code is stale; run make generate and commit it"; exit 1; }; rm -rf $$tmp
	go vet -tags $(TAGS) ./...

clean:
	rm -rf bin data $(HTMX) static/node_modules internal/vnu/node_modules
