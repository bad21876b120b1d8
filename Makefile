# The two commands a newcomer needs: `make demo` and `make test`. Both set up what is
# missing first (scripts/setup.sh), so they work on a bare machine.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

SIM_PORT ?= 8081
DEMO_PORT ?= 8080

.PHONY: setup build test lint unit compat demo sim load clean

setup:
	@scripts/setup.sh rust python

build: setup
	cargo build --release --workspace --bins

## Every test: formatting and lints, the workspace's unit and integration tests, and a
## third-party Vipps client run unchanged against the simulator.
test: setup lint unit compat

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	scripts/check-openapi.sh

unit:
	cargo test --workspace --locked

compat:
	scripts/compat-python.sh

## Runs the demo: the Vipps simulator on SIM_PORT and the merchant backend on DEMO_PORT
## (serving www/ and pkg/ when present), until interrupted.
demo: build
	SIM_PORT=$(SIM_PORT) DEMO_PORT=$(DEMO_PORT) scripts/demo.sh

## Only the simulator, on SIM_PORT.
sim: build
	target/release/vipps-sim --listen 127.0.0.1:$(SIM_PORT)

## Load test: 1,000 concurrent pollers against a release simulator (report only).
load: build
	scripts/load-sim.sh

clean:
	cargo clean
