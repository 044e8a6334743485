#!/usr/bin/env bash
# Builds the linux-x86_64 JNI library and platform jar against an old glibc (docs/platforms.md, "What the Linux
# library needs from the system"): the presets module's own Maven build runs inside a Debian 11 root (bullseye:
# glibc 2.31, gcc 10) made with debootstrap from this machine's apt mirror, with this host's static OpenSSL 3 and
# zlib (Debian 12's libssl-dev and zlib1g-dev) linked in. Then scripts/check-native.sh checks the library against
# the floor LWSJ_GLIBC_FLOOR (default 2.28, RHEL 8).
#
#   bash scripts/build-old-glibc.sh          # root and jar; as root on an x86_64 Debian/Ubuntu host with debootstrap
#   bash scripts/build-old-glibc.sh --demo   # and run the demo's server and client (ws://, wss://) inside the root
#                                            # with that library (needs java/demo/target/lws-java-demo.jar)
#
# The root is made once and kept in LWSJ_OLD_GLIBC_ROOT (default ~/.cache/lws-java/bullseye-amd64, about 1.3 GB).
# The Maven build in it is offline (-o) and reads the host's ~/.m2/repository, bound into the root: build the
# project on the host first. Results: presets/target/old-glibc/{libjnilws.so,lws-presets-<version>-linux-x86_64.jar}.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "build-old-glibc: $*"; }
demo=0
for a in "$@"; do case "$a" in --demo) demo=1 ;; *) log "unknown argument $a"; exit 2 ;; esac; done
[ "$(id -u)" = 0 ] || { log "needs root (debootstrap, chroot, unshare -m)"; exit 1; }
[ "$(uname -m)" = x86_64 ] || { log "builds linux-x86_64 on an x86_64 host only"; exit 1; }
command -v debootstrap >/dev/null || { log "needs debootstrap (apt-get install debootstrap)"; exit 1; }
for f in /usr/include/openssl/ssl.h /usr/lib/x86_64-linux-gnu/libssl.a /usr/lib/x86_64-linux-gnu/libz.a; do
  [ -f "$f" ] || { log "needs $f (apt-get install libssl-dev zlib1g-dev)"; exit 1; }
done

root=${LWSJ_OLD_GLIBC_ROOT:-$HOME/.cache/lws-java/bullseye-amd64}
apt_opts=(-q -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o Acquire::Retries=2)
in_root() {   # runs a shell command in the root, with /proc, /dev and the host's Maven repository mounted privately
  unshare -m sh -c 'set -e; r=$1; shift
    mount -t proc proc "$r/proc"; mount --rbind /dev "$r/dev"
    if [ -d "$HOME/.m2/repository" ]; then mkdir -p "$r/root/.m2/repository"; mount --bind "$HOME/.m2/repository" "$r/root/.m2/repository"; fi
    exec chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' \
    sh "$root" "$@"
}

# ---- 1. the Debian 11 root, once: debootstrap from the mirror of this machine's own apt sources ----------------
if [ ! -f "$root/.lwsj-ready" ]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -nE 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' \
           | grep -E '/debian/?$' | head -1 || true)
  [ -n "$mirror" ] || mirror=$(sed -nE 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+\/debian\/?)[[:space:]].*/\2/p' \
           /etc/apt/sources.list 2>/dev/null | head -1 || true)
  [ -n "$mirror" ] || { log "no Debian mirror in /etc/apt/sources.list(.d): cannot debootstrap"; exit 1; }
  log "making a Debian 11 root in $root from the apt mirror (a few minutes, once)"
  rm -rf "$root"; mkdir -p "$root"
  timeout 1800 debootstrap --variant=minbase --include=ca-certificates bullseye "$root" "$mirror" \
    > "$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log"; log "debootstrap failed"; exit 1; }
  mkdir -p "$root/usr/share/man/man1"   # the JDK's post-install script puts its alternatives' links there
  in_root timeout 1800 sh -c "apt-get ${apt_opts[*]} update && apt-get ${apt_opts[*]} install -y --no-install-recommends \
      g++ make cmake patch file openjdk-17-jdk-headless maven" > "$root.apt.log" 2>&1 \
    || { tail -20 "$root.apt.log"; log "apt-get in the root failed"; exit 1; }
  touch "$root/.lwsj-ready"
fi
log "root: $(in_root sh -c 'ldd --version | head -1; gcc --version | head -1' | tr '\n' ' ')"

# ---- 2. what the build takes from the host: the source tree, the lws tarball, static OpenSSL 3 and zlib --------
# Debian 11's own libssl-dev is OpenSSL 1.1.1 (end of life). Debian 12's archives call only glibc functions that
# glibc 2.31 has (their undefined symbols: nm -u), so they link against the root's glibc.
tarball=$("$here/scripts/fetch-source.sh" lws)
rm -rf "$root/src" "$root/opt/lwsj"
mkdir -p "$root/src" "$root/opt/lwsj/openssl/include" "$root/opt/lwsj/openssl/lib" "$root/opt/lwsj/zlib/include" \
         "$root/opt/lwsj/zlib/lib"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$root/src"
cp -r /usr/include/openssl "$root/opt/lwsj/openssl/include/"
cp /usr/include/x86_64-linux-gnu/openssl/* "$root/opt/lwsj/openssl/include/openssl/"   # opensslconf.h, configuration.h
cp /usr/lib/x86_64-linux-gnu/libssl.a /usr/lib/x86_64-linux-gnu/libcrypto.a "$root/opt/lwsj/openssl/lib/"
cp /usr/include/zlib.h /usr/include/zconf.h "$root/opt/lwsj/zlib/include/"
cp /usr/lib/x86_64-linux-gnu/libz.a "$root/opt/lwsj/zlib/lib/"
cp "$tarball" "$root/opt/lwsj/"

# ---- 3. the presets module's Maven build, in the root ------------------------------------------------------------
mvn_log="$root/src/mvn.log"
log "mvn -o verify -pl presets -am -DskipTests in the root (log: $mvn_log)"
start=$(date +%s)
if ! in_root sh -c "cd /src && LWS_TARBALL=/opt/lwsj/$(basename "$tarball") OPENSSL_ROOT_DIR=/opt/lwsj/openssl \
      LWSJ_CMAKE_ARGS='-DZLIB_LIBRARY=/opt/lwsj/zlib/lib/libz.a -DZLIB_INCLUDE_DIR=/opt/lwsj/zlib/include' \
      mvn -o -B -ntp -Dstyle.color=never verify -pl presets -am -DskipTests" > "$mvn_log" 2>&1 </dev/null; then
  grep -E '^\[ERROR\]|error:|undefined reference' "$mvn_log" | head -30
  log "the Maven build in the root failed; see $mvn_log"; exit 1
fi
log "built in $(( $(date +%s) - start )) s"

out="$here/presets/target/old-glibc"
mkdir -p "$out"
cp "$root/src/presets/target/classes/io/github/lwsjava/lws/linux-x86_64/libjnilws.so" "$out/"
cp "$root"/src/presets/target/lws-presets-*-linux-x86_64.jar "$out/"

# the root's lws and bindings must be the host's: the platform jar goes with the classes built here
host_install="$here/native/build/linux-x86_64/install"
for f in include/lws_config.h parser-conditions.tsv defined-symbols.txt; do
  if [ -f "$host_install/$f" ] && ! cmp -s "$host_install/$f" "$root/src/native/build/linux-x86_64/install/$f"; then
    diff "$host_install/$f" "$root/src/native/build/linux-x86_64/install/$f" | head -20
    log "$f differs from the host's build"; exit 1
  fi
done
if [ -d "$here/presets/target/generated-sources/javacpp" ]; then
  diff -r "$here/presets/target/generated-sources/javacpp" "$root/src/presets/target/generated-sources/javacpp" >/dev/null \
    || { log "the generated Java bindings differ from the host's build"; exit 1; }
  log "lws_config.h, parser conditions, symbols and generated bindings are the host build's"
fi
LWSJ_GLIBC_FLOOR=${LWSJ_GLIBC_FLOOR:-2.28} bash "$here/scripts/check-native.sh" "$out/libjnilws.so"

# ---- 4. --demo: the demo's server and client inside the root, with this library ---------------------------------
if [ "$demo" = 1 ]; then
  jar="$here/java/demo/target/lws-java-demo.jar"
  [ -f "$jar" ] || { log "no $jar: build the demo on the host first (mvn -B verify -pl java/demo -am)"; exit 1; }
  rm -rf "$root/demo"; mkdir -p "$root/demo/io/github/lwsjava/lws/linux-x86_64"
  cp "$jar" "$root/demo/demo.jar"
  cp "$out/libjnilws.so" "$root/demo/io/github/lwsjava/lws/linux-x86_64/"
  (cd "$root/demo" && jar uf demo.jar io/github/lwsjava/lws/linux-x86_64/libjnilws.so)   # the JDK's jar tool
  cat > "$root/demo/run.sh" <<'EOF'
set -u
status=0
for tls in "" --tls; do
  rm -f /tmp/server.log
  timeout 120 java -jar /demo/demo.jar server --port 0 $tls --stop-after 100 > /tmp/server.log 2>&1 &
  pid=$!
  i=0; while [ $i -lt 60 ] && ! grep -qE 'listening: wss?://' /tmp/server.log 2>/dev/null; do sleep 1; i=$((i + 1)); done
  url=$(sed -nE 's/^listening: (wss?:\/\/[^ ]+).*/\1/p' /tmp/server.log | head -1)
  ca=""; [ -n "$tls" ] && ca="--ca $(grep -oE '/[^ ]+\.pem' /tmp/server.log | head -1)"
  head -1 /tmp/server.log
  echo "client $url $ca"
  timeout 60 java -jar /demo/demo.jar client $ca "$url" hello "from Debian 11" || status=1
  timeout 60 java -jar /demo/demo.jar client $ca --count 50 --size 65536 "$url" > /tmp/client.log 2>&1 || status=1
  tail -1 /tmp/client.log
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
done
exit $status
EOF
  log "the demo inside the root: $(in_root sh -c 'java -version 2>&1 | head -1')"
  in_root sh /demo/run.sh </dev/null || { log "the demo failed inside the root"; exit 1; }
  log "the demo's server and client ran inside the Debian 11 root"
fi
log "done: $out"
