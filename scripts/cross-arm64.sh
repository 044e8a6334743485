#!/usr/bin/env bash
# Cross-builds the linux-arm64 JNI jar (lws-presets-<version>-linux-arm64.jar) on a Debian/Ubuntu x86_64 host.
#
#   scripts/cross-arm64.sh            check the cross toolchain and arm64 libraries, then build and install
#   scripts/cross-arm64.sh --install  first install what is missing (needs root): the cross compiler with apt-get,
#                                     the arm64 OpenSSL and zlib as scripts/arm64-root.sh --install unpacks them
#
# The static arm64 libssl.a, libcrypto.a and libz.a come from the multiarch packages libssl-dev:arm64 and
# zlib1g-dev:arm64 where they are installed (dpkg --add-architecture arm64; they must be the host's very version),
# else from the arm64 root of scripts/arm64-root.sh (the same Debian packages unpacked, not installed).
# Maven: MAVEN_OPTS reaches every mvn call here, e.g. MAVEN_OPTS=-Dmaven.repo.local=/path for a private local
# repository; LWSJ_MVN_ARGS are further arguments to the build's mvn (e.g. -o).
#
# What happens: scripts/build-native.sh linux-arm64 (run by Maven's initialize phase) builds lws and lwsj with
# cmake/toolchains/linux-arm64.cmake and evaluates the parser conditions with aarch64-linux-gnu-g++; then the
# JavaCPP plugin compiles libjnilws.so with aarch64-linux-gnu-g++ (profile cross-linux-arm64 of presets/pom.xml),
# with OpenSSL, zlib and the C++ runtime linked in statically like the x86_64 build (docs/platforms.md);
# scripts/check-native.sh checks it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
triple=aarch64-linux-gnu
log() { echo "cross-arm64: $*" >&2; }

missing() {
  local m=()
  command -v $triple-gcc >/dev/null || m+=(gcc-$triple)
  command -v $triple-g++ >/dev/null || m+=(g++-$triple)
  echo "${m[@]+"${m[@]}"}"
}
# the multiarch development packages, when installed (their static archives and arch-specific headers)
multiarch_libs() {
  [ -f /usr/include/$triple/openssl/configuration.h ] && [ -e /usr/lib/$triple/libssl.a ] && [ -e /usr/lib/$triple/libz.a ]
}

need=$(missing)
if [ -n "$need" ]; then
  if [ "${1:-}" != --install ]; then
    log "missing: $need"
    log "run again with --install (as root), or: apt-get install gcc-$triple g++-$triple"
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 gcc-$triple g++-$triple
  need=$(missing)
  [ -z "$need" ] || { log "still missing after apt-get: $need"; exit 1; }
fi
if multiarch_libs; then
  log "OpenSSL and zlib: the installed libssl-dev:arm64 and zlib1g-dev:arm64"
else
  root=$(bash "$here/scripts/arm64-root.sh" ${1:+"$1"})
  export OPENSSL_ROOT_DIR="$root/prefix" ZLIB_ROOT="$root/prefix"
  # lws's configure checks (HMAC_CTX_new, ...) link with bare -lssl -lcrypto: the linker must find them there too
  export LDFLAGS="${LDFLAGS:+$LDFLAGS }-L$root/prefix/lib"
  log "OpenSSL and zlib: $root (scripts/arm64-root.sh): $(grep -E '^(libssl-dev|zlib1g-dev):' "$root/.packages" | xargs)"
fi

cd "$here"
mvn -B -q -N install ${LWSJ_MVN_ARGS:-}
mvn -B -pl presets install -Djavacpp.platform=linux-arm64 -DskipTests ${LWSJ_MVN_ARGS:-}

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' presets/pom.xml | head -1)
jar="presets/target/lws-presets-$version-linux-arm64.jar"
so=io/github/lwsjava/lws/linux-arm64/libjnilws.so
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$here/$jar" "$so")
info=$(file -b "$tmp/$so")
log "$jar: $so: $info"
case "$info" in *"ARM aarch64"*) ;; *) log "not an aarch64 library"; exit 1 ;; esac
if strings "$tmp/$so" | grep -F "$here" >/dev/null; then
  log "the library records build paths:"; strings "$tmp/$so" | grep -F "$here" >&2; exit 1
fi
bash "$here/scripts/check-native.sh" "$here/presets/target/classes/$so"
log "done; the presets module's target/ now holds the linux-arm64 build: run 'mvn -B -pl presets install -DskipTests' to go back to the host's"
