# claimdesk — every target is a real entry point; each installs what it needs.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
TAGS    := sqlite_fts5
HTMX    := static/htmx-2.0.11.min.js
BIN     := bin/claimdesk
PGURL_FILE := /tmp/claimdesk-pg-url
GO_TEST := go test -tags $(TAGS) -count=1

.PHONY: run build test bench eval train fmt lint generate deps-test pg-start pg-stop clean loadtest

run: build
	./$(BIN) serve

build: $(HTMX) generate
	go build -tags $(TAGS) -o $(BIN) ./cmd/claimdesk

# htmx comes from the npm package htmx.org (version pinned in static/package.json).
$(HTMX): static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	cp static/node_modules/htmx.org/dist/htmx.min.js $(HTMX)

generate:
	go tool templ generate

# Installs Chromium and PostgreSQL from Debian when missing, starts a
# throwaway PostgreSQL on 127.0.0.1:55432 and runs the whole suite on both
# databases, with browser tests in headless Chromium.
test: $(HTMX) generate deps-test pg-start
	@set -o pipefail; status=0; \
	CI=$${CI:-true} CLAIMDESK_TEST_DATABASE_URL=$$(cat $(PGURL_FILE)) CLAIMDESK_CHROMIUM=$$(command -v chromium) \
	  $(GO_TEST) -timeout 30m ./... || status=$$?; \
	$(MAKE) --no-print-directory pg-stop; exit $$status

deps-test:
	@if ! command -v chromium >/dev/null; then \
	  echo "installing chromium"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; fi

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

# Go benchmarks, then wrk against /embed/claims/:id and a bare net/http
# handler serving the same bytes (127.0.0.1 only), in interleaved rounds:
# ratio, p99 at 32 connections, 304, gzip and br runs, and RSS. The servers
# run on CPU 0 and wrk on the others; EMBEDBENCH_FLAGS=-pin=false shares
# the CPUs, -strict fails on a missed goal.
bench: $(HTMX) generate
	go test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...
	@command -v wrk >/dev/null || { echo "installing wrk"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	go run -tags $(TAGS) ./internal/web/embedbench -c 32 $(EMBEDBENCH_FLAGS)

eval:
	go run ./cmd/spoteval

# Rebuilds internal/spot/model/checkworthy.bin from the public sentences in
# ../shared/data/checkworthy and prints the dev figures (about a minute).
train:
	@test -f ../shared/data/checkworthy/train.tsv || { echo "make train: ../shared/data/checkworthy/train.tsv is missing; the model is trained on the public data in ../shared beside the repository"; exit 2; }
	go run ./cmd/spottrain

fmt: generate
	gofmt -w $$(git ls-files '*.go')

lint: $(HTMX) generate
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	go vet -tags $(TAGS) ./...

clean:
	rm -rf bin data $(HTMX) static/node_modules
