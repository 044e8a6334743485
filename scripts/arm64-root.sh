#!/usr/bin/env bash
# Unpacks the Debian arm64 packages that cross-building and testing linux-arm64 need into one directory, the
# "arm64 root", without installing them: dpkg installs multiarch packages only in the very version of the host's
# own (libssl-dev:arm64 would upgrade the host's libssl-dev and so the OpenSSL linked into the x86_64 library).
#
#   scripts/arm64-root.sh            prepare or reuse the root, print its path
#   scripts/arm64-root.sh --install  as root: first `dpkg --add-architecture arm64 && apt-get update`, once, so that
#                                    apt knows the arm64 packages; and apt-get install qemu-user-static
#
# The root (LWSJ_ARM64_ROOT, default ~/.cache/lws-java/arm64-root, about 230 MB) holds
#   - openjdk-17-jre-headless:arm64 with libc6, libgcc-s1, libstdc++6, zlib1g: an arm64 JVM that runs on any Linux
#     host as `qemu-aarch64-static -L <root> <root>/usr/lib/jvm/java-17-openjdk-arm64/bin/java.arm64` (the JRE's
#     own launcher, renamed); its bin/java is a shell script that does exactly that, so it is a command the host
#     runs (Surefire's <jvm>, scripts/test-arm64.sh), and so is a test's child JVM started as java.home/bin/java;
#   - libssl-dev:arm64, zlib1g-dev:arm64: the static libssl.a, libcrypto.a and libz.a that scripts/cross-arm64.sh
#     links into libjnilws.so when the multiarch packages are not installed (OPENSSL_ROOT_DIR=<root>/prefix).
# It is made again when apt's candidate version of one of them changes (a Debian security update).
set -euo pipefail
root=${LWSJ_ARM64_ROOT:-$HOME/.cache/lws-java/arm64-root}
packages=(openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g libssl3 libssl-dev zlib1g-dev)
jre=usr/lib/jvm/java-17-openjdk-arm64
log() { echo "arm64-root: $*" >&2; }
apt_opts=(-q -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o Acquire::Retries=2 -o DPkg::Lock::Timeout=300)

# apt's candidate versions of the arm64 packages: the root is current when it was made from exactly these
candidates() {
  apt-cache policy "${packages[@]/%/:arm64}" 2>/dev/null | awk '/^[^ ].*:$/ { p = $1; sub(/:$/, "", p) } /Candidate:/ { print p, $2 }'
}
known() { [ "$(candidates | grep -cv ' (none)$')" -eq ${#packages[@]} ]; }
if [ "${1:-}" = --install ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  known || apt-get "${apt_opts[@]}" update >&2
  command -v qemu-aarch64-static >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends qemu-user-static >&2
fi
command -v qemu-aarch64-static >/dev/null || { log "qemu-aarch64-static is missing: apt-get install qemu-user-static (or --install)"; exit 1; }

wanted=$(candidates)
if [ "$(echo "$wanted" | grep -cv ' (none)$')" -ne ${#packages[@]} ]; then
  log "apt does not know all of ${packages[*]} for arm64:"; echo "$wanted" >&2
  log "run scripts/arm64-root.sh --install as root once (dpkg --add-architecture arm64 && apt-get update)"
  exit 1
fi
# The JRE's bin/java becomes a script that runs its launcher under qemu (written every time, so a changed script
# takes effect). The JDK starts child processes through its arm64 helper jspawnhelper, which the host cannot execute
# without binfmt_misc: with FORK the JVM forks and execs the program itself, and a host program, or this script,
# runs. LWSJ_QEMU_JAVA_OPTS: further options for every such JVM, e.g. -XX:TieredStopAtLevel=1.
wrapper() {
  local bin="$1/$jre/bin"
  [ -f "$bin/java.arm64" ] || mv "$bin/java" "$bin/java.arm64"
  cat >"$bin/java" <<EOF
#!/bin/sh
# The arm64 JVM of $root under qemu user-mode emulation (made by scripts/arm64-root.sh).
exec qemu-aarch64-static -L "$root" "$root/$jre/bin/java.arm64" -Djdk.lang.Process.launchMechanism=FORK \${LWSJ_QEMU_JAVA_OPTS:-} "\$@"
EOF
  chmod +x "$bin/java"
}
if [ -f "$root/.packages" ] && [ "$(cat "$root/.packages")" = "$wanted" ]; then
  wrapper "$root"; echo "$root"; exit 0
fi

log "unpacking into $root: $(echo $wanted)"
debs=$(mktemp -d "${TMPDIR:-/tmp}/lws-java-arm64-debs.XXXXXX"); trap 'rm -rf "$debs"' EXIT
chmod 777 "$debs"   # apt-get download drops privileges to _apt where it can
(cd "$debs" && timeout 600 apt-get "${apt_opts[@]}" download $(echo "$wanted" | awk '{ printf "%s=%s\n", $1, $2 }') >&2) \
  || { log "apt-get download failed"; exit 1; }
rm -rf "$root.new"; mkdir -p "$root.new"
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root.new"; done

# absolute links (the JRE's conf/ and jvm.cfg into /etc/java-17-openjdk, libz.so into /lib) would leave the root:
# point them at the root's own file; the rest (lib/security/cacerts -> /etc/ssl/certs/java/cacerts, the host's
# ca-certificates-java store) stays the host's
find "$root.new" -type l -lname '/*' | while read -r l; do
  t=$(readlink "$l")
  if [ -e "$root.new$t" ] || [ -L "$root.new$t" ]; then ln -sfn "$root$t" "$l"; fi
done
# a plain prefix for CMake's FindOpenSSL and FindZLIB (OPENSSL_ROOT_DIR, ZLIB_ROOT), which look in <prefix>/lib, not
# in Debian's lib/aarch64-linux-gnu; OpenSSL's arch-specific headers (configuration.h, ...) next to the others
cp -f "$root.new"/usr/include/aarch64-linux-gnu/openssl/*.h "$root.new"/usr/include/openssl/
mkdir -p "$root.new/prefix"
ln -s ../usr/include "$root.new/prefix/include"
ln -s ../usr/lib/aarch64-linux-gnu "$root.new/prefix/lib"

wrapper "$root.new"
echo "$wanted" >"$root.new/.packages"
rm -rf "$root"; mv "$root.new" "$root"
"$root/$jre/bin/java" -version 2>&1 | sed 's/^/arm64-root: /' >&2
echo "$root"
