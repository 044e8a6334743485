#!/usr/bin/env bash
# Puts a pinned source release tarball into the cache and prints its path: `fetch-source.sh lws` (libwebsockets),
# `fetch-source.sh libuv`, or `fetch-source.sh openssl` (the Windows build's). Versions and sha256 sums are pinned in
# cmake/LwsOptions.cmake.
#
# Sources, tried in this order (each fails fast, none can hang):
#   1. LWS_TARBALL / LIBUV_TARBALL / OPENSSL_TARBALL=/path/to/the release tarball   (a file the user gives)
#   2. the cache ($LWS_CACHE, default ~/.cache/lws-java)
#   3. the upstream release tarball on GitHub, where GitHub is reachable (not libuv: Debian's tarball is its own)
#   4. the same release as Debian's source package (suite trixie; bookworm for OpenSSL 3.0), fetched from the pool
#      of the mirror that this machine's own apt configuration names
#   5. `apt-get source --download-only` with a private deb-src list derived from the machine's
#      sources (the system's apt set-up is left untouched)
# Whatever the source, the file must match the pinned sha256.
set -euo pipefail

what=${1:-}
case "$what" in
  lws)     var=LWS;   package=libwebsockets; pool=libw/libwebsockets; override=${LWS_TARBALL:-}; suites=trixie
           github="https://github.com/warmcat/libwebsockets/archive/refs/tags/v@V@.tar.gz" ;;
  libuv)   var=LIBUV; package=libuv1;        pool=libu/libuv1;        override=${LIBUV_TARBALL:-}; suites=trixie
           github="" ;;
  openssl) var=WIN_OPENSSL; package=openssl; pool=o/openssl;         override=${OPENSSL_TARBALL:-}
           suites="bookworm bookworm-updates bookworm-security"
           github="https://github.com/openssl/openssl/releases/download/openssl-@V@/openssl-@V@.tar.gz" ;;
  *) echo "usage: fetch-source.sh lws|libuv|openssl" >&2; exit 2 ;;
esac
override_name=$(tr a-z A-Z <<<"$what")_TARBALL

# the one pin of each release: cmake/LwsOptions.cmake (the native builds read it there too)
pin() { sed -n "s/^set($1 \\([^)]*\\))$/\\1/p" "$(dirname "$0")/../cmake/LwsOptions.cmake"; }
VERSION=$(pin ${var}_VERSION)
SHA256=$(pin ${var}_SHA256)
log() { echo "fetch-source: $*" >&2; }
[ -n "$VERSION" ] && [ -n "$SHA256" ] || { log "no ${var}_VERSION/${var}_SHA256 in cmake/LwsOptions.cmake"; exit 1; }
NAME="${package}_${VERSION}.orig.tar.gz"
CACHE="${LWS_CACHE:-$HOME/.cache/lws-java}"
OUT="$CACHE/$NAME"
mkdir -p "$CACHE"

verify() { [ -s "$1" ] && echo "$SHA256  $1" | sha256sum -c --status -; }
accept() {  # $1 candidate file: cached and printed if it matches, then the script ends
  if verify "$1"; then
    cp "$1" "$OUT.part" && mv "$OUT.part" "$OUT"
    echo "$OUT"; exit 0
  fi
  log "$1 does not match sha256 $SHA256; ignored"
  return 1
}
fetch() {  # $1 url  $2 destination
  curl -fsSL --connect-timeout 5 --max-time 300 --retry 0 -o "$2" "$1" 2>/dev/null
}

if [ -n "$override" ]; then
  [ -f "$override" ] || { log "$override_name=$override: no such file"; exit 1; }
  accept "$override" || exit 1
fi
verify "$OUT" && { echo "$OUT"; exit 0; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ -n "$github" ]; then
  log "trying the $what $VERSION release tarball from GitHub"
  if fetch "${github//@V@/$VERSION}" "$tmp/gh.tar.gz"; then
    accept "$tmp/gh.tar.gz" || true
  fi
fi

# Debian mirrors this machine is configured for (read at run time, never written down).
all_mirrors=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
                 grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | sort -u || true)
mirrors=$(grep -v security <<<"$all_mirrors" || true)
for m in $mirrors; do
  log "trying Debian's $package source package from the configured mirror's pool"
  if fetch "${m%/}/pool/main/$pool/$NAME" "$tmp/pool.tar.gz"; then
    accept "$tmp/pool.tar.gz" || true
  fi
done

if command -v apt-get >/dev/null && [ -n "$mirrors" ]; then
  log "trying apt-get source $package ($suites) with a private deb-src list"
  mkdir -p "$tmp/apt/lists/partial" "$tmp/src"
  for m in $all_mirrors; do   # a security mirror serves the *-security suites only
    case "$m" in
      *security*) s=$(tr ' ' '\n' <<<"$suites" | grep -- -security | paste -sd' ') ;;
      *) s=$(tr ' ' '\n' <<<"$suites" | grep -v -- -security | paste -sd' ') ;;
    esac
    [ -n "$s" ] || continue
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' "$m" "$s"
  done > "$tmp/apt/src.sources"
  opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$tmp/apt" -o "Dir::State::Lists=$tmp/apt/lists"
        -o "Acquire::http::Timeout=10" -o "Acquire::Retries=0")
  if timeout 120 apt-get "${opts[@]}" update >/dev/null 2>&1; then
    # apt may exit non-zero (a missing .dsc) although the tarball arrived whole: judge by the sha256.
    # apt takes an exact version only: the Debian revision(s) of this release that the lists hold
    for v in $(apt-cache "${opts[@]}" showsrc "$package" 2>/dev/null | sed -n "s/^Version: \($VERSION-.*\)$/\1/p" | sort -u); do
      (cd "$tmp/src" && timeout 300 apt-get "${opts[@]}" source --download-only "$package=$v" >/dev/null 2>&1) || true
      [ -f "$tmp/src/$NAME" ] && break
    done
    [ -f "$tmp/src/$NAME" ] && { accept "$tmp/src/$NAME" || true; }
  fi
fi

log "could not get $what $VERSION (sha256 $SHA256)."
log "Download Debian's $NAME (or, for lws and openssl, the GitHub release) by hand"
log "and run again with $override_name=/path/to/it."
exit 1
