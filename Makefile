# The two commands of the README. Each installs what the build needs first
# (CMake and libclang for HiGHS; see scripts/setup.sh) and runs cargo with
# them on hand (scripts/with-build-tools.sh), so they work on a fresh machine
# with only a Rust toolchain and a C/C++ compiler.

MODEL ?= models/england_community_nursing.toml

.PHONY: example test setup bench browser-test

setup:
	bash scripts/setup.sh

## Runs the flagship: the health visitor pledge against no pledge, writing
## the impact report to reports/england_community_nursing/pledge-vs-no_pledge/.
example:
	bash scripts/with-build-tools.sh cargo run --locked -- compare $(MODEL) --base no_pledge --policy pledge

## Runs the whole test suite.
test:
	bash scripts/with-build-tools.sh cargo test --locked

## Benchmarks on synthetic models (release build).
bench:
	bash scripts/with-build-tools.sh cargo run --locked --release -- bench --size small,medium --repeat 1 --solver-option solver=ipm

## Renders the flagship report in headless Chromium at desktop and phone
## widths and checks overflow, chart alt text and accessibility (axe-core).
## Installs chromium (apt-get) and axe-core (npm) when missing; not part of
## `make test`.
browser-test:
	bash scripts/browser-test.sh
