# The two commands a newcomer needs: `make demo` and `make test`. Both set up what is
# missing first (scripts/setup.sh), so they work on a bare machine.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

SIM_PORT ?= 8081
DEMO_PORT ?= 8080

.PHONY: setup build test lint unit demo sim load clean

setup:
	@scripts/setup.sh rust

build: setup
	cargo build --release --workspace --bins

## Every test: formatting and lints, then the workspace's unit and integration tests.
test: setup lint unit

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
	cargo test --workspace --locked

## Runs the demo. For now the simulator is the part that exists: it serves the Vipps
## sandbox (API, landing page, simulated app) on SIM_PORT until interrupted.
demo: build
	target/release/vipps-sim --listen 127.0.0.1:$(SIM_PORT)

sim: demo

## Load test: 1,000 concurrent pollers against a release simulator (report only).
load: build
	scripts/load-sim.sh

clean:
	cargo clean
