# wirewatch — build, test and run. Every module is listed here: a bare
# `go test ./...` at the root does not reach the nested modules.
MODULES := . pkg/events pkg/stage pkg/embedded pkg/natstest \
	services/fetcher services/extractor services/deduper services/sink \
	bench/extract examples/subscriber
SERVICES := fetcher extractor deduper sink
GO ?= go
BIN := bin
FUZZTIME ?= 30s

.PHONY: all build test vet unit standalone fmt fuzz demo bench eval-extract eval-cluster bench-extract bench-fetch bench-sink clean \
	images up down logs smoke

all: build

build: ## build wirewatch, the four services and nats-server into bin/
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/wirewatch ./cmd/wirewatch
	@for s in $(SERVICES); do (cd services/$$s && $(GO) build -o ../../$(BIN)/$$s ./cmd/$$s) || exit 1; done
	$(GO) build -o $(BIN)/nats-server github.com/nats-io/nats-server/v2

test: vet standalone unit ## vet, build every module alone, and run every test with the race detector

vet:
	@for m in $(MODULES); do echo "== vet $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done
	@out=$$(gofmt -l .); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

standalone: ## every module builds without the workspace
	@for m in $(MODULES); do echo "== build (GOWORK=off) $$m"; (cd $$m && GOWORK=off $(GO) build ./...) || exit 1; done

unit:
	@for m in $(MODULES); do echo "== test $$m"; (cd $$m && $(GO) test -race -count=1 -timeout 15m ./...) || exit 1; done

fmt:
	gofmt -w .

fuzz: ## run every fuzz target for FUZZTIME each
	cd pkg/events && $(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) .
	cd pkg/stage && $(GO) test -run='^$$' -fuzz=FuzzInboxPrefix -fuzztime=$(FUZZTIME) .
	$(GO) test -run='^$$' -fuzz=FuzzRead -fuzztime=$(FUZZTIME) ./internal/recording
	$(GO) test -run='^$$' -fuzz=FuzzTitle -fuzztime=$(FUZZTIME) ./internal/demofeed
	$(GO) test -run='^$$' -fuzz=FuzzIntersect -fuzztime=$(FUZZTIME) ./internal/cli
	cd services/sink && $(GO) test -run='^$$' -fuzz=FuzzOpen -fuzztime=$(FUZZTIME) ./internal/jsonl
	cd services/sink && $(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./internal/filter
	cd services/deduper && $(GO) test -run='^$$' -fuzz=FuzzVectorize -fuzztime=$(FUZZTIME) ./internal/story
	cd services/deduper && $(GO) test -run='^$$' -fuzz=FuzzFingerprint -fuzztime=$(FUZZTIME) ./internal/simhash
	cd services/extractor && for f in $$($(GO) test -list 'Fuzz.*' ./internal/... | grep ^Fuzz); do \
	  pkg=$$(grep -rl "func $$f(" --include='*_test.go' internal | head -1 | xargs dirname); \
	  $(GO) test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) ./$$pkg || exit 1; done
	cd services/fetcher && for pkg in $$(grep -rl '^func Fuzz' --include='*_test.go' internal | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$pkg/*_test.go | cut -d' ' -f2); do \
	    $(GO) test -run='^$$' -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s ./$$pkg || exit 1; done; done

demo: ## run the pipeline once, from a fresh state, over the example articles into out/demo
	rm -rf .wirewatch/demo out/demo
	$(GO) run ./cmd/wirewatch run --input examples/articles --out out/demo --data .wirewatch/demo --once

DATASETS ?= $(abspath ../shared/datasets)

eval-extract: ## measure extraction on ../shared/datasets (text P/R/F1, title, author, date, pages/s)
	cd services/extractor && $(GO) run ./cmd/eval-extract --datasets $(DATASETS)

eval-cluster: ## cluster ECB+ through the whole pipeline in 5 random orders (B-cubed and pairwise P/R/F1), and the SemEval pairs (same-story accuracy)
	$(GO) run ./cmd/eval-cluster --docs $(DATASETS)/ecbplus-dev/docs.jsonl --semeval $(DATASETS)/semeval2022-en-pairs/pairs.jsonl

BENCHCOUNT ?= 5

bench-extract: ## compare wirewatch's extractor with go-trafilatura on the ScrapingHub pages (pages/s, B/op, allocs/op) and their heap per page
	@mkdir -p out
	cd bench/extract && $(GO) test -run='^$$' -bench='^BenchmarkExtract$$' -benchmem -count=$(BENCHCOUNT) -timeout 30m . > ../../out/bench-extract.txt; \
	  status=$$?; cat ../../out/bench-extract.txt; exit $$status
	@if $(GO) run golang.org/x/perf/cmd/benchstat@latest out/bench-extract.txt 2>/dev/null; then :; \
	  else echo "(benchstat not available: the raw output is above)"; fi
	cd bench/extract && $(GO) run ./cmd/peakmem

bench-fetch: ## items/s and peak heap of the fetcher polling 1,000 local feeds of 50 items (pages fetched, and full-text feeds)
	cd services/fetcher && $(GO) test -run='^$$' -bench='^BenchmarkFetch$$' -benchtime=1x -benchmem -timeout 30m .

SINKBENCH ?= 5000x

bench-sink: ## sink events/s into JSONL files with fsync batching, against the deduper's events/s, in one run
	$(GO) test -run='^$$' -bench='^BenchmarkSinkAgainstDeduper$$' -benchtime=$(SINKBENCH) -count=$(BENCHCOUNT) -timeout 30m ./bench/sink

bench: ## run the benchmarks of every module
	@for m in $(MODULES); do (cd $$m && $(GO) test -run='^$$' -bench=. -benchmem ./...) || exit 1; done

# The docker compose stack (deploy/README.md): three NATS JetStream nodes, the
# four services, a demo feed site.
COMPOSE ?= docker compose -f deploy/docker-compose.yml
UP_TIMEOUT ?= 300

images: ## build the container images FROM scratch from static binaries (no registry needed)
	GO=$(GO) bash deploy/images.sh

up: images ## generate the NATS secrets (once) and start the stack; waits until every service is healthy
	$(GO) run ./cmd/stacksetup secrets --dir deploy/secrets
	$(COMPOSE) up -d --wait --wait-timeout $(UP_TIMEOUT)

down: ## stop the stack (volumes are kept: `$(COMPOSE) down -v` drops them)
	$(COMPOSE) down

logs: ## follow the stack's logs
	$(COMPOSE) logs -f --tail=100

smoke: ## bring the stack up, check clustering and the loss of a NATS node, tear down (skips loudly without docker)
	bash deploy/smoke.sh

clean:
	rm -rf $(BIN) out .wirewatch
