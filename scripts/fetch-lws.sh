#!/usr/bin/env bash
# Puts the pinned libwebsockets release tarball into the cache and prints its path.
#
# Sources, tried in this order (each fails fast, none can hang):
#   1. LWS_TARBALL=/path/to/libwebsockets-4.3.5.tar.gz   (a file the user gives)
#   2. the cache ($LWS_CACHE, default ~/.cache/lws-java)
#   3. the upstream tag tarball on GitHub, where GitHub is reachable
#   4. the same release as Debian's source package (suite trixie), fetched from the pool of the
#      mirror that this machine's own apt configuration names
#   5. `apt-get source --download-only` with a private deb-src list derived from the machine's
#      sources (the system's apt set-up is left untouched)
# Whatever the source, the file must match the pinned sha256.
set -euo pipefail

# the one pin of the lws release: cmake/LwsOptions.cmake (the native builds read it there too)
pin() { sed -n "s/^set($1 \\([^)]*\\))$/\\1/p" "$(dirname "$0")/../cmake/LwsOptions.cmake"; }
LWS_VERSION=$(pin LWS_VERSION)
LWS_SHA256=$(pin LWS_SHA256)
[ -n "$LWS_VERSION" ] && [ -n "$LWS_SHA256" ] || { echo "fetch-lws: no LWS_VERSION/LWS_SHA256 in cmake/LwsOptions.cmake" >&2; exit 1; }
NAME="libwebsockets_${LWS_VERSION}.orig.tar.gz"
CACHE="${LWS_CACHE:-$HOME/.cache/lws-java}"
OUT="$CACHE/$NAME"
mkdir -p "$CACHE"

log() { echo "fetch-lws: $*" >&2; }
verify() { [ -s "$1" ] && echo "$LWS_SHA256  $1" | sha256sum -c --status -; }
accept() {  # $1 candidate file: cached and printed if it matches, then the script ends
  if verify "$1"; then
    cp "$1" "$OUT.part" && mv "$OUT.part" "$OUT"
    echo "$OUT"; exit 0
  fi
  log "$1 does not match sha256 $LWS_SHA256; ignored"
  return 1
}
fetch() {  # $1 url  $2 destination
  curl -fsSL --connect-timeout 5 --max-time 300 --retry 0 -o "$2" "$1" 2>/dev/null
}

if [ -n "${LWS_TARBALL:-}" ]; then
  [ -f "$LWS_TARBALL" ] || { log "LWS_TARBALL=$LWS_TARBALL: no such file"; exit 1; }
  accept "$LWS_TARBALL" || exit 1
fi
verify "$OUT" && { echo "$OUT"; exit 0; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

log "trying the v$LWS_VERSION tag tarball from GitHub"
if fetch "https://github.com/warmcat/libwebsockets/archive/refs/tags/v$LWS_VERSION.tar.gz" "$tmp/gh.tar.gz"; then
  accept "$tmp/gh.tar.gz" || true
fi

# Debian mirrors this machine is configured for (read at run time, never written down).
mirrors=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
             grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | grep -v security | sort -u || true)
for m in $mirrors; do
  log "trying Debian's source package from the configured mirror's pool"
  if fetch "${m%/}/pool/main/libw/libwebsockets/$NAME" "$tmp/pool.tar.gz"; then
    accept "$tmp/pool.tar.gz" || true
  fi
done

if command -v apt-get >/dev/null && [ -n "$mirrors" ]; then
  log "trying apt-get source (trixie) with a private deb-src list"
  mkdir -p "$tmp/apt/lists/partial" "$tmp/src"
  for m in $mirrors; do
    printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' "$m"
  done > "$tmp/apt/trixie-src.sources"
  opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$tmp/apt" -o "Dir::State::Lists=$tmp/apt/lists"
        -o "Acquire::http::Timeout=10" -o "Acquire::Retries=0")
  if timeout 120 apt-get "${opts[@]}" update >/dev/null 2>&1; then
    # apt may exit non-zero (a missing .dsc) although the tarball arrived whole: judge by the sha256.
    (cd "$tmp/src" && timeout 300 apt-get "${opts[@]}" source --download-only "libwebsockets=$LWS_VERSION*" >/dev/null 2>&1) || true
    [ -f "$tmp/src/$NAME" ] && { accept "$tmp/src/$NAME" || true; }
  fi
fi

log "could not get libwebsockets $LWS_VERSION (sha256 $LWS_SHA256)."
log "Download libwebsockets-$LWS_VERSION.tar.gz (GitHub tag v$LWS_VERSION or Debian's $NAME) by hand"
log "and run again with LWS_TARBALL=/path/to/it."
exit 1
