#!/usr/bin/env bash
# Cross-builds the linux-arm64 JNI jar (lws-presets-<version>-linux-arm64.jar) on a Debian/Ubuntu x86_64 host.
#
#   scripts/cross-arm64.sh            check the cross toolchain and arm64 libraries, then build and install
#   scripts/cross-arm64.sh --install  first install them with apt-get (needs root): the cross compiler, and
#                                     libssl-dev:arm64 zlib1g-dev:arm64 through dpkg --add-architecture arm64
#
# What happens: scripts/build-native.sh linux-arm64 (run by Maven's initialize phase) builds lws and lwsj with
# cmake/toolchains/linux-arm64.cmake and evaluates the parser conditions with aarch64-linux-gnu-g++; then the
# JavaCPP plugin compiles libjnilws.so with aarch64-linux-gnu-g++ (profile cross-linux-arm64 of presets/pom.xml).
# The result links the arm64 system libssl.so.3 / libz.so.1 like the x86_64 build (docs/platforms.md).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
triple=aarch64-linux-gnu
log() { echo "cross-arm64: $*" >&2; }

missing() {
  local m=()
  command -v $triple-gcc >/dev/null || m+=(gcc-$triple)
  command -v $triple-g++ >/dev/null || m+=(g++-$triple)
  [ -f /usr/include/$triple/openssl/configuration.h ] && [ -e /usr/lib/$triple/libssl.so ] || m+=(libssl-dev:arm64)
  [ -e /usr/lib/$triple/libz.so ] || m+=(zlib1g-dev:arm64)
  echo "${m[@]+"${m[@]}"}"
}

need=$(missing)
if [ -n "$need" ]; then
  if [ "${1:-}" != --install ]; then
    log "missing: $need"
    log "run again with --install (as root), or: dpkg --add-architecture arm64 && apt-get update &&"
    log "apt-get install gcc-$triple g++-$triple libssl-dev:arm64 zlib1g-dev:arm64"
    exit 1
  fi
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -q
  # Multiarch packages must be the very same version as the host's: apt-cache policy says whether they exist.
  apt-cache policy libssl-dev:arm64 zlib1g-dev:arm64 | grep -E '^[^ ]|Candidate' >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc-$triple g++-$triple libssl-dev:arm64 zlib1g-dev:arm64
  need=$(missing)
  [ -z "$need" ] || { log "still missing after apt-get: $need"; exit 1; }
fi

cd "$here"
mvn -B -q -N install
mvn -B -pl presets install -Djavacpp.platform=linux-arm64 -DskipTests

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
log "done; the presets module's target/ now holds the linux-arm64 build: run 'mvn -B -pl presets install -DskipTests' to go back to the host's"
