#!/usr/bin/env bash
# Cross-builds windows-x86_64 on a Debian/Ubuntu x86_64 host with mingw-w64, and runs the C engine under wine.
#
#   scripts/cross-windows.sh            check the tools, build, test under wine, build the platform jar
#   scripts/cross-windows.sh --install  first install the tools with apt-get (needs root): the mingw-w64 cross
#                                       compilers, Debian's static zlib for mingw (libz-mingw-w64-dev) and wine64
#   scripts/cross-windows.sh --no-jar   stop after the wine test (no Maven)
#   scripts/cross-windows.sh --install --tools-only   only install the tools (CI: as root, before the build as a user)
#
# What happens (docs/platforms.md, "Windows"), each step cached under ~/.cache/lws-java/mingw (OpenSSL) or
# native/build/windows-x86_64 (lws, lwsj), so a second run rebuilds nothing:
#   1. OpenSSL, static, cross-built from its release tarball (pinned in cmake/LwsOptions.cmake; scripts/fetch-source.sh
#      openssl: GitHub's release where it is reachable, else Debian's source package of the same release);
#   2. zlib: Debian's static libz.a for mingw-w64;
#   3. lws and the lwsj engine: scripts/build-native.sh windows-x86_64 with cmake/toolchains/windows-x86_64-mingw.cmake;
#   4. native/test/echo_test.c linked against the three and run under wine64: a client and a server of one process
#      echo messages over ws:// and wss:// on 127.0.0.1; it exits 0 only if every echo came back;
#   5. the JNI library jnilws.dll (Maven profile cross-windows-x86_64 of presets/pom.xml: JavaCPP's mingw properties,
#      x86_64-w64-mingw32-g++) in presets/target/lws-presets-<version>-windows-x86_64.jar; scripts/check-native.sh
#      checks that it imports Windows system DLLs only. No Windows JVM here: the DLL is built and checked, not loaded.
# Maven runs with $MAVEN_OPTS (e.g. -Dmaven.repo.local=...).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
triple=x86_64-w64-mingw32
# OpenSSL's pinned release (version and sha256): cmake/LwsOptions.cmake, fetched by scripts/fetch-source.sh openssl
openssl_version=$(sed -n 's/^set(WIN_OPENSSL_VERSION \([^)]*\))$/\1/p' "$here/cmake/LwsOptions.cmake")
cache="${LWS_CACHE:-$HOME/.cache/lws-java}/mingw"
log() { echo "cross-windows: $*" >&2; }

install=0; jar=1; tools_only=0
for a in "$@"; do
  case "$a" in --install) install=1 ;; --no-jar) jar=0 ;; --tools-only) tools_only=1 ;; *) log "unknown option $a"; exit 2 ;; esac
done

wine_cmd() { command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || command -v wine || true; }
missing() {
  local m=()
  command -v $triple-gcc >/dev/null || m+=(gcc-mingw-w64-x86-64)
  command -v $triple-g++ >/dev/null || m+=(g++-mingw-w64-x86-64)
  [ -f /usr/$triple/lib/libz.a ] || m+=(libz-mingw-w64-dev)
  [ -n "$(wine_cmd)" ] || m+=(wine64)
  command -v cmake >/dev/null || m+=(cmake)
  command -v make >/dev/null || m+=(make)
  command -v openssl >/dev/null || m+=(openssl)   # the host's, for the test's throwaway certificate
  echo "${m[@]+"${m[@]}"}"
}
need=$(missing)
if [ -n "$need" ]; then
  if [ $install = 0 ]; then
    log "missing: $need"; log "run again with --install (as root), or: apt-get install $need"; exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
  need=$(missing)
  [ -z "$need" ] || { log "still missing after apt-get: $need"; exit 1; }
fi
[ $tools_only = 0 ] || exit 0
mkdir -p "$cache"
start=$(date +%s)

# --- 1. OpenSSL ----------------------------------------------------------------------------------------------------
openssl_prefix="$cache/openssl-$openssl_version"
if [ ! -f "$openssl_prefix/.built" ]; then
  tarball=$("$here/scripts/fetch-source.sh" openssl)   # OPENSSL_TARBALL=/path: a tarball you give
  t=$(date +%s)
  src="$cache/openssl-$openssl_version-src"
  rm -rf "$src" "$openssl_prefix"; mkdir -p "$src"
  tar -xzf "$tarball" -C "$src" --strip-components=1
  log "building OpenSSL $openssl_version (static, mingw64; log in $src/build.log)"
  # no-shared: libssl.a and libcrypto.a only, linked into the DLL. The paths compiled in are a Windows install's,
  # not this machine's (OPENSSLDIR, for openssl.cnf and the default CA store: C:/Program Files/OpenSSL/ssl), so
  # the headers and archives are copied out of the build tree rather than installed.
  (cd "$src" && ./Configure mingw64 --cross-compile-prefix=$triple- no-shared no-tests \
       "--prefix=C:/Program Files/OpenSSL" --libdir=lib \
     && nice -n 10 make -j2 build_libs) >"$src/build.log" 2>&1 || { tail -30 "$src/build.log"; exit 1; }
  mkdir -p "$openssl_prefix/include" "$openssl_prefix/lib"
  cp -R "$src/include/openssl" "$openssl_prefix/include/"
  cp "$src/libssl.a" "$src/libcrypto.a" "$openssl_prefix/lib/"
  touch "$openssl_prefix/.built"; rm -rf "$src"
  log "OpenSSL built in $(( $(date +%s) - t )) s"
fi

# --- 2. + 3. zlib, lws and the lwsj engine -------------------------------------------------------------------------
export OPENSSL_ROOT_DIR="$openssl_prefix" ZLIB_ROOT=/usr/$triple
# zlib's archive named outright: CMake before 3.24 (Ubuntu 22.04's 3.22) has no ZLIB_USE_STATIC_LIBS and would
# take the import library libz.dll.a
export LWSJ_CMAKE_ARGS="${LWSJ_CMAKE_ARGS:-} -DZLIB_LIBRARY=/usr/$triple/lib/libz.a -DZLIB_INCLUDE_DIR=/usr/$triple/include"
t=$(date +%s)
bash "$here/scripts/build-native.sh" windows-x86_64
log "lws and lwsj ready ($(( $(date +%s) - t )) s)"

# --- 4. the C engine under wine ------------------------------------------------------------------------------------
build="$here/native/build/windows-x86_64"
inst="$build/install"
test_dir="$build/test"
mkdir -p "$test_dir"
# what static lws and OpenSSL need from Windows itself; -static: no libgcc/libwinpthread DLLs either
win_libs=(-lws2_32 -liphlpapi -luserenv -lcrypt32 -lbcrypt -ladvapi32 -luser32)
$triple-gcc -O2 -Wall -DNDEBUG -I"$inst/include" "$here/native/test/echo_test.c" -L"$inst/lib" \
  -llwsj -lwebsockets -lssl -lcrypto -lz "${win_libs[@]}" -static -o "$test_dir/echo_test.exe"
# a throwaway certificate for localhost and 127.0.0.1 (the host's openssl), trusted by the test's client
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$test_dir/key.pem" -out "$test_dir/cert.pem" 2>/dev/null
# a wine prefix of our own (created on first use: about a minute); no Mono or Gecko install prompts, no debug noise
export WINEPREFIX="$cache/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
t=$(date +%s)
log "running native/test/echo_test.c under $(wine_cmd)"
if ! (cd "$test_dir" && timeout 300 "$(wine_cmd)" echo_test.exe cert.pem key.pem); then
  log "echo test FAILED under wine"; exit 1
fi
log "echo test passed under wine ($(( $(date +%s) - t )) s)"

# --- 5. the JNI library and the platform jar -----------------------------------------------------------------------
if [ $jar = 1 ]; then
  t=$(date +%s)
  cd "$here"
  mvn -B -q -N install
  mvn -B -q -pl java/testkit install -DskipTests
  mvn -B -pl presets package -Djavacpp.platform=windows-x86_64 -DskipTests
  version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' presets/pom.xml | head -1)
  jarfile="presets/target/lws-presets-$version-windows-x86_64.jar"
  dll=presets/target/classes/io/github/lwsjava/lws/windows-x86_64/jnilws.dll
  unzip -l "$jarfile" | grep -q 'windows-x86_64/jnilws.dll' || { log "$jarfile holds no jnilws.dll"; exit 1; }
  bash "$here/scripts/check-native.sh" "$dll"
  if strings "$dll" | grep -F -e "$here" -e "$cache" >/dev/null; then
    log "$dll records build paths:"; strings "$dll" | grep -F -e "$here" -e "$cache" >&2; exit 1
  fi
  log "$jarfile built ($(( $(date +%s) - t )) s); no Windows JVM here: the DLL is checked, not loaded"
fi
log "done in $(( $(date +%s) - start )) s"
[ $jar = 0 ] || log "the presets module's target/ now holds the windows-x86_64 build: run 'mvn -B -pl presets install -DskipTests' to go back to the host's"
