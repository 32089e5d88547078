# The two commands of the README. Each installs what the build needs first
# (CMake and libclang for HiGHS; see scripts/setup.sh) and runs cargo with
# them on hand (scripts/with-build-tools.sh), so they work on a fresh machine
# with only a Rust toolchain and a C/C++ compiler.

MODEL ?= models/england_community_nursing.toml

.PHONY: example test setup bench sweep-example slurm-test browser-test

setup:
	bash scripts/setup.sh

## Runs the flagship: the health visitor pledge against no pledge, writing
## the impact report to reports/england_community_nursing/pledge-vs-no_pledge/.
example:
	bash scripts/with-build-tools.sh cargo run --locked -- compare $(MODEL) --base no_pledge --policy pledge

## The trade-off report of the health visitor target (8,000 to 14,000 FTE)
## under the 2010 health visiting offer (five contacts per birth), written to
## reports/england_community_nursing/sweep-hv_target/ (committed).
sweep-example:
	bash scripts/with-build-tools.sh cargo run --locked -- sweep $(MODEL) --scenario pledge \
	  --set service.health_visiting.need.contacts_per_unit=5 \
	  --vary target.hv_pledge.min=8000:14000:500 --out reports/england_community_nursing/sweep-hv_target

## Runs the whole test suite: cargo's tests, then the two tests of real
## parts, each installing what it needs (apt-get, npm) and stopping what it
## starts: deploy/slurm/ on a one-node Slurm, and the reports in headless
## Chromium with axe-core.
test:
	bash scripts/with-build-tools.sh cargo test --locked --workspace
	bash scripts/slurm-test.sh
	bash scripts/browser-test.sh

## Benchmarks on synthetic models (release build).
bench:
	bash scripts/with-build-tools.sh cargo run --locked --release -- bench --size small,medium --repeat 1 --solver-option solver=ipm

## A one-node Slurm (Debian's slurm-wlm daemons and munge, installed if
## missing) runs deploy/slurm/'s job array and merge on a small model and
## compares with the unsharded run; stops every daemon it started.
slurm-test:
	bash scripts/slurm-test.sh

## Renders the committed reports and the reports of other scenarios (built
## by target/debug/wfplan in a temporary folder: two more flagship pairs, a
## three-scenario compare, solve --out, the regional flagship) in headless
## Chromium at 1280 and 400 px and checks overflow, chart titles and alt
## text, and accessibility (axe-core). Installs chromium (apt-get) and
## axe-core (npm) when missing; part of `make test`.
browser-test:
	bash scripts/browser-test.sh
