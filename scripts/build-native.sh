#!/usr/bin/env bash
# Builds the native core (libwebsockets + the lwsj engine) into native/build/<platform>/install.
# Re-running reuses the built lws unless the tarball or cmake/LwsOptions.cmake changed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
platform="${1:-${JAVACPP_PLATFORM:-linux-x86_64}}"
build="$here/native/build/$platform"
tarball=$("$here/scripts/fetch-lws.sh")
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)
cmake -S "$here/native" -B "$build/cmake" -DCMAKE_BUILD_TYPE=Release \
      -DLWS_TARBALL="$tarball" -DCMAKE_INSTALL_PREFIX="$build/install" ${LWSJ_CMAKE_ARGS:-} >/dev/null
cmake --build "$build/cmake" --parallel "$jobs" >"$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
cmake --install "$build/cmake" >/dev/null

# Facts the presets class feeds to JavaCPP's Parser (see presets/.../presets/lws.java):
# which #if branches are real in this build, and which functions the static libraries really define.
inc="$build/install/include"
(cd "$inc" && "$here/scripts/parser-conditions.sh" "$build/install" "$build/install/parser-conditions.tsv" \
   libwebsockets.h libwebsockets/*.h lwsj.h)
nm -g --defined-only "$build/install/lib/libwebsockets.a" "$build/install/lib/liblwsj.a" 2>/dev/null \
  | awk 'NF == 3 { print $3 }' | sort -u > "$build/install/defined-symbols.txt"
echo "build-native: $platform ready in $build/install ($(( $(date +%s) - start )) s)"
