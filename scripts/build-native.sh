#!/usr/bin/env bash
# Builds the native core (libwebsockets + the lwsj engine) into native/build/<platform>/install.
# Re-running reuses the built lws unless the tarball or cmake/LwsOptions.cmake changed.
# LWSJ_SANITIZE=1 (Maven profile "sanitize") builds them with ASan + UBSan into native/build/<platform>-sanitize/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) here=$(cd "$here" && pwd -W) ;; esac   # C:/... for cmake and cl
platform="${1:-${JAVACPP_PLATFORM:-linux-x86_64}}"
variant=""
sanitize_args=()
if [ "${LWSJ_SANITIZE:-0}" = 1 ]; then variant=-sanitize; sanitize_args=(-DLWSJ_SANITIZE=ON); fi
build="$here/native/build/$platform$variant"
tarball=$("$here/scripts/fetch-source.sh" lws)
# libuv under lws (native/CMakeLists.txt LWSJ_LIBUV, EventLoop.LIBUV): on Linux. Its pinned tarball is Debian's
# (scripts/fetch-source.sh libuv), which a macOS or Windows build machine has no apt to fetch, and whose sha256 is not
# that of libuv's own release tarballs: there lws keeps its poll() (WSAPoll) loop only, for now.
libuv=0
case "$platform" in linux-*) libuv=1 ;; esac
libuv_args=(-DLWSJ_LIBUV=OFF)
[ $libuv = 1 ] && libuv_args=(-DLWSJ_LIBUV=ON -DLIBUV_TARBALL="$("$here/scripts/fetch-source.sh" libuv)")
jobs=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
start=$(date +%s)
mkdir -p "$build"

# Per-platform choices (docs/platforms.md). Every platform links static OpenSSL and zlib into the JNI library
# (LWSJ_STATIC_DEPS=1; OPENSSL_ROOT_DIR / ZLIB_ROOT name where they are: on Linux the distribution's libssl.a,
# libcrypto.a and libz.a); LWSJ_STATIC_DEPS=0 links the system's shared libssl3/libz instead.
platform_args=()
nm=${NM:-nm}
mingw=0
case "$platform" in
  linux-arm64)
    if [ "$(uname -m)" != aarch64 ] && [ "$(uname -m)" != arm64 ]; then   # cross build (scripts/cross-arm64.sh)
      platform_args+=(-DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchains/linux-arm64.cmake")
      export CXX=${CXX:-aarch64-linux-gnu-g++}; nm=${NM:-aarch64-linux-gnu-nm}
    fi ;;
  windows-x86_64)
    case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) ;; *)   # cross build with mingw-w64 (scripts/cross-windows.sh)
      mingw=1
      platform_args+=(-DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchains/windows-x86_64-mingw.cmake")
      export CXX=${CXX:-x86_64-w64-mingw32-g++}; nm=${NM:-x86_64-w64-mingw32-nm} ;;
    esac ;;
  macosx-x86_64) platform_args+=(-DCMAKE_OSX_ARCHITECTURES=x86_64) ;;
  macosx-arm64)  platform_args+=(-DCMAKE_OSX_ARCHITECTURES=arm64) ;;
esac
static_deps=${LWSJ_STATIC_DEPS:-1}
if [ "$static_deps" = 1 ]; then
  platform_args+=(-DOPENSSL_USE_STATIC_LIBS=ON -DZLIB_USE_STATIC_LIBS=ON)
  [ -n "${OPENSSL_ROOT_DIR:-}" ] && platform_args+=(-DOPENSSL_ROOT_DIR="$OPENSSL_ROOT_DIR")
  [ -n "${ZLIB_ROOT:-}" ] && platform_args+=(-DZLIB_ROOT="$ZLIB_ROOT")
fi

# FindOpenSSL and FindZLIB keep what they found in lws's CMake cache: after a switch between static and shared
# dependencies, lws configures afresh.
lws_cache="$build/cmake/lws-prefix/src/lws-build/CMakeCache.txt"
if [ -f "$lws_cache" ]; then
  had=$(sed -nE 's/^OPENSSL_USE_STATIC_LIBS:[A-Z]*=(.*)$/\1/p' "$lws_cache")
  [ "${had:-OFF}" = "$([ "$static_deps" = 1 ] && echo ON || echo OFF)" ] || rm -f "$lws_cache"
fi

cmake -S "$here/native" -B "$build/cmake" -DCMAKE_BUILD_TYPE=Release \
      -DLWS_TARBALL="$tarball" -DCMAKE_INSTALL_PREFIX="$build/install" ${platform_args[@]+"${platform_args[@]}"} \
      ${sanitize_args[@]+"${sanitize_args[@]}"} "${libuv_args[@]}" \
      ${LWSJ_CMAKE_ARGS:-} >/dev/null
cmake --build "$build/cmake" --config Release --parallel "$jobs" >"$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
cmake --install "$build/cmake" --config Release >/dev/null

# JavaCPP links -lwebsockets -lssl -lcrypto -lz (websockets.lib ssl.lib ... with MSVC) from install/lib first:
# with static dependencies, put the very archives that lws was built against there under those names.
lib="$build/install/lib"
case "$platform-$mingw" in windows-*-0) a=.lib; p="" ;; *) a=.a; p=lib ;; esac
[ -f "$lib/${p}websockets_static$a" ] && cp -f "$lib/${p}websockets_static$a" "$lib/${p}websockets$a"
if [ "$static_deps" = 1 ]; then
  cache="$build/cmake/lws-prefix/src/lws-build/CMakeCache.txt"
  cached() { sed -nE "s/^$1:[A-Z]+=(.*)$/\1/p" "$cache" | head -1; }
  ssl=$(cached OPENSSL_SSL_LIBRARY); crypto=$(cached OPENSSL_CRYPTO_LIBRARY)
  [ -n "$ssl" ] || ssl=$(cached SSL_EAY); [ -n "$crypto" ] || crypto=$(cached LIB_EAY)   # FindOpenSSL's names with mingw
  z=$(cached ZLIB_LIBRARY_RELEASE); [ -f "$z" ] || z=$(cached ZLIB_LIBRARY)
  for pair in "ssl:$ssl" "crypto:$crypto" "z:$z"; do
    name=${pair%%:*}; file=${pair#*:}
    case "$file" in *.so|*.so.*|*.dylib|*.dll.a|"") echo "build-native: no static $name library (found '$file'):" \
        "set OPENSSL_ROOT_DIR / ZLIB_ROOT or LWSJ_STATIC_DEPS=0" >&2; exit 1 ;; esac
    cp -f "$file" "$lib/$p$name$a"
  done
  # libwebsockets.h includes <openssl/ssl.h>: the JNI compile finds it next to lws's headers.
  ossl_inc=$(cached OPENSSL_INCLUDE_DIR)
  [ -d "$ossl_inc/openssl" ] && case "$ossl_inc" in /usr/include) ;; *) cp -Rf "$ossl_inc/openssl" "$build/install/include/" ;; esac
fi

# Facts the presets class feeds to JavaCPP's Parser (see presets/.../presets/lws.java):
# which #if branches are real in this build, and which functions the static libraries really define.
inc="$build/install/include"
(cd "$inc" && "$here/scripts/parser-conditions.sh" "$build/install" "$build/install/parser-conditions.tsv" \
   libwebsockets.h libwebsockets/*.h lwsj.h)
"$nm" -g --defined-only "$lib/${p}websockets$a" "$lib/${p}lwsj$a" 2>/dev/null \
  | awk 'NF == 3 { print $3 }' | case "$platform" in macosx-*) sed 's/^_//' ;; *) cat ;; esac \
  | sort -u > "$build/install/defined-symbols.txt"
[ -s "$build/install/defined-symbols.txt" ] || { echo "build-native: $nm found no symbols in $lib" >&2; exit 1; }
echo "build-native: $platform$variant ready in $build/install ($(( $(date +%s) - start )) s)"
