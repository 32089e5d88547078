#!/usr/bin/env bash
# Experiment (issue 7's moonshot): HiGHS's new interior point solver HiPO on
# an MPS file written by `wfplan export`. Not part of wfplan's build: the
# highs-sys crate's `hipo` feature fetches OpenBLAS from GitHub, which this
# kind of machine cannot reach, so this script builds the HiGHS command-line
# program from the HiGHS sources bundled in highs-sys (the same version
# wfplan links) against Debian's OpenBLAS instead.
#
#   bash scripts/experiments/hipo.sh MODEL.mps [THREADS]
#
# Needs: apt-get install libopenblas-dev; cmake (scripts/setup.sh).
set -euo pipefail
mps=${1:?usage: hipo.sh MODEL.mps [THREADS]}
threads=${2:-2}
work=${HIPO_WORK:-/tmp/wfplan-hipo}
source=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/highs-sys-1.16.0/HiGHS | head -1)
if [ ! -x "$work/build/bin/highs" ]; then
  dpkg -s libopenblas-dev >/dev/null 2>&1 || apt-get install -y libopenblas-dev
  mkdir -p "$work/build"
  cmake -S "$source" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DHIPO=ON \
    -DBUILD_OPENBLAS=OFF -DBUILD_SHARED_EXTRAS_LIB=OFF -DFAST_BUILD=ON -DBUILD_SHARED_LIBS=OFF
  cmake --build "$work/build" --target highs-bin -j "$(nproc)"
fi
printf 'solver=hipo\nthreads=%s\n' "$threads" > "$work/options.txt"
/usr/bin/time -v "$work/build/bin/highs" --options_file "$work/options.txt" "$mps"
