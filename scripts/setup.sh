#!/usr/bin/env bash
# Installs the two build tools the HiGHS solver needs and a fresh machine lacks:
# CMake (HiGHS is C++ built from source by the highs-sys crate) and libclang
# (bindgen generates the Rust bindings). Idempotent: does nothing when both are
# already present. Prefers Debian's packages; falls back to PyPI wheels.
set -euo pipefail

have_libclang() {
  [ -n "${LIBCLANG_PATH:-}" ] && ls "$LIBCLANG_PATH"/libclang*.so* >/dev/null 2>&1 && return 0
  ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1
}

if command -v cmake >/dev/null 2>&1 && have_libclang; then
  exit 0
fi

echo "wfplan setup: installing cmake and libclang (needed to build HiGHS)" >&2
if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq cmake libclang-dev >/dev/null; then
    exit 0
  fi
  echo "wfplan setup: apt-get failed; trying PyPI wheels" >&2
fi

python3 -m pip install --quiet cmake libclang
echo "wfplan setup: installed cmake and libclang from PyPI; scripts/with-build-tools.sh puts them on PATH and LIBCLANG_PATH." >&2
