#!/usr/bin/env bash
# Runs a command (cargo ...) with the tools the HiGHS build needs on hand:
# installs CMake and libclang if missing (scripts/setup.sh), and when they
# came from PyPI wheels, points PATH and LIBCLANG_PATH at them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/setup.sh"

if ! command -v cmake >/dev/null 2>&1; then
  cmake_bin=$(python3 -c 'import cmake, os; print(os.path.join(os.path.dirname(cmake.__file__), "data", "bin"))' 2>/dev/null || true)
  [ -n "$cmake_bin" ] && export PATH="$cmake_bin:$PATH"
fi
if [ -z "${LIBCLANG_PATH:-}" ] && ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1; then
  clang_dir=$(python3 -c 'import clang, os; print(os.path.join(os.path.dirname(clang.__file__), "native"))' 2>/dev/null || true)
  [ -n "$clang_dir" ] && export LIBCLANG_PATH="$clang_dir"
fi
exec "$@"
