# The two commands a newcomer needs: `make demo` and `make test`. Both install what is
# missing first (scripts/setup.sh: idempotent, quick when everything is there).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
# The whole wasm-bindgen-test run, not one test: the suite waits real polling intervals.
export WASM_BINDGEN_TEST_TIMEOUT ?= 300

SIM_PORT ?= 8081
DEMO_PORT ?= 8080

.PHONY: setup build servers widget test lint unit wasm-test compat e2e size perf mutants demo sim load load-proxy chaos clean

setup:
	@scripts/setup.sh rust python wasm browser node postgres

## Builds both servers (release) and the widget's npm package in pkg/.
build: setup servers widget

servers:
	cargo build --release --locked -p vipps-sim -p vipps-proxy

widget:
	scripts/build-widget.sh

## Every test: lints, native unit and integration tests, browser tests of the widget,
## a third-party Vipps client against the simulator, the size budgets of the release
## bundle, the release proxy's real answers against docs/proxy-api.yaml, one round of
## the first-paint benchmark (a smoke run: it reports, it never fails on time), three
## seeds of the chaos runs on each API (two instances on PostgreSQL, faults, a kill -9), and the
## end-to-end tests in Chromium against the demo (release bundle), with the backend on
## eCom and again on ePayment.
test: setup lint unit wasm-test compat build
	scripts/size.sh
	scripts/check-api-answers.sh
	node tests/perf/first-paint.mjs 1
	RUNS=3 FIRST_SEED=1 scripts/chaos.sh
	CHAOS_API=epayment RUNS=3 FIRST_SEED=1 scripts/chaos.sh
	node --test --test-concurrency=1 tests/e2e/
	VIPPS_API=epayment node --test --test-concurrency=1 tests/e2e/

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p vipps-checkout --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
	cargo clippy -p vipps-checkout --target wasm32-unknown-unknown --features kiosk --all-targets --locked -- -D warnings
	cargo clippy -p vipps-leptos-example --target wasm32-unknown-unknown --locked -- -D warnings
	node_modules/.bin/tsc -p examples/react
	cargo clippy -p vipps-checkout --features ssr --all-targets --locked -- -D warnings
	scripts/check-openapi.sh
	python3 scripts/check-structure.py

## The backend's integration suite runs twice: on SQLite, then on PostgreSQL (a
## throwaway cluster per test binary, see crates/pg-throwaway).
unit:
	cargo test --workspace --locked
	VIPPS_TEST_DB=postgres cargo test --locked -p vipps-proxy --tests

wasm-test:
	wasm-pack test --headless --chrome . --locked --features kiosk

## Third-party clients, unchanged, against the simulator: a Python eCom client, and
## Vipps MobilePay's own Node SDK for ePayment and the Webhooks API.
compat:
	scripts/compat-python.sh
	cargo build --quiet -p vipps-sim --bin vipps-sim
	node --test --test-concurrency=1 crates/vipps-sim/tests/compat/

## The end-to-end suite, once with the backend on eCom and once on ePayment (the same
## widget bundle, byte for byte).
e2e:
	node --test --test-concurrency=1 tests/e2e/
	VIPPS_API=epayment node --test --test-concurrency=1 tests/e2e/

## Size of the release bundle against the budget, and where the bytes go.
size: setup widget
	scripts/size.sh --breakdown

## Time until the button is visible against a static <button>, on loopback and on
## Lighthouse's mobile profile, and the layout shift (a benchmark: prints ratios).
PERF_RUNS ?= 10
perf: setup widget
	node tests/perf/first-paint.mjs $(PERF_RUNS)

## Mutation testing of the pure code (a report; see scripts/mutants.sh).
mutants: setup
	scripts/mutants.sh all

## Runs the demo shop: the Vipps simulator on SIM_PORT and the shop (backend, pages,
## widget) on DEMO_PORT, until interrupted.
demo: build
	SIM_PORT=$(SIM_PORT) DEMO_PORT=$(DEMO_PORT) scripts/demo.sh

## Only the simulator, on SIM_PORT.
sim: setup servers
	target/release/vipps-sim --listen 127.0.0.1:$(SIM_PORT)

## Load test: 1,000 concurrent pollers against a release simulator (report only).
load: setup
	scripts/load-sim.sh

## The backend under load: 10,000 pollers over 200 open orders for 60 s, then 1,000
## payment starts a minute with retried keys (ORDERS, POLLERS, SECONDS_, STARTS); once on
## one instance on SQLite, once on three instances on one PostgreSQL. A report.
load-proxy: setup
	scripts/load-proxy.sh

## Faults: 50 seeded runs on eCom, then 50 on ePayment (RUNS, FIRST_SEED; CHAOS_SEEDS=7,31
## replays; CHAOS_API=epayment alone for one API) of two instances on
## one PostgreSQL with simulator faults and a kill -9 each; checks the store against the
## simulator's ledger after every run.
chaos: setup
	scripts/chaos.sh
	CHAOS_API=epayment scripts/chaos.sh

clean:
	cargo clean
	rm -rf pkg node_modules
