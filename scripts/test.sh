#!/usr/bin/env bash
# The one command that builds lws-java and runs all its tests, also on a fresh Debian 12 machine:
#   1. installs what is missing among the build's Debian packages (only if some are missing, and only as root
#      or with password-less sudo; LWSJ_SKIP_APT=1 skips this step),
#   2. runs `mvn -B install` at the repository root; extra arguments are passed to Maven,
#      e.g. `bash scripts/test.sh -pl presets -am`,
#   2b. runs scripts/consumer-check.sh: README's Java blocks built from the artifacts alone and run against each
#      other (LWSJ_SKIP_CONSUMER=1 skips it),
#   3. runs the sanitizer smoke (scripts/sanitize.sh --smoke: the hostile-peer and regression tests over lws and
#      the C engine built with ASan + UBSan) and the fuzz smoke (scripts/fuzz.sh --smoke).
# Maven's full output goes to a log file; the console shows progress, Surefire's "Tests run:" lines and the
# reactor summary, and on failure the end of the log.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

log() { echo "test.sh: $*"; }

# ---- 1. Debian packages ------------------------------------------------------------------------------------
packages=(cmake g++ make patch libssl-dev zlib1g-dev pkg-config maven openjdk-17-jdk-headless curl ca-certificates
          nodejs npm chromium libwebsockets-test-server
          tinyproxy microsocks   # ProxyTest (java/server-it): an HTTP and a SOCKS5 proxy on loopback
          libcap-dev)   # unused: CI builds where lws would find it, to prove cmake/LwsOptions.cmake pins its probes
# a package counts as present if dpkg has it installed or what the build needs from it is there anyway
# (e.g. NodeSource's nodejs bundles npm and conflicts with Debian's npm package)
provided() {
  case "$1" in
    g++|make|cmake|curl|pkg-config|patch) command -v "$1" >/dev/null 2>&1 ;;
    maven) command -v mvn >/dev/null 2>&1 ;;
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    libssl-dev) [ -f /usr/include/openssl/ssl.h ] ;;
    zlib1g-dev) [ -f /usr/include/zlib.h ] ;;
    openjdk-17-jdk-headless)
      command -v javac >/dev/null 2>&1 && v=$(javac -version 2>&1 | awk '{print $2}') && [ "${v%%.*}" -ge 17 ] 2>/dev/null ;;
    *) return 1 ;;
  esac
}
missing=()
if [ "${LWSJ_SKIP_APT:-0}" != 1 ] && command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" in
      ii*) ;;
      *) provided "$p" || missing+=("$p") ;;
    esac
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      sudo=(none)
    fi
  fi
  if [ "${sudo[*]-}" = none ]; then
    log "missing Debian packages: ${missing[*]} (not root and no password-less sudo: install them yourself)"
  else
    log "installing missing Debian packages: ${missing[*]}"
    apt_opts=(-q -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o Acquire::Retries=2
              -o DPkg::Lock::Timeout=120)
    apt_log=$(mktemp "${TMPDIR:-/tmp}/lws-java-apt.XXXXXX.log")
    export DEBIAN_FRONTEND=noninteractive
    # slim images drop /usr/share/man, where the JDK's post-install script puts its alternatives' links
    "${sudo[@]}" mkdir -p /usr/share/man/man1
    "${sudo[@]}" apt-get "${apt_opts[@]}" update </dev/null >"$apt_log" 2>&1 \
      || log "apt-get update failed (continuing with the package lists there are); see $apt_log"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
           "${missing[@]}" </dev/null >>"$apt_log" 2>&1; then
      tail -n 30 "$apt_log"
      log "apt-get install failed; full log: $apt_log"
      exit 1
    fi
    log "packages installed"
  fi
fi

# ---- Java 17 or newer ----------------------------------------------------------------------------------------
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }
if [ -z "${JAVA_HOME:-}" ]; then
  major=$(command -v java >/dev/null 2>&1 && java_major java || echo 0)
  if [ "${major%%.*}" -lt 17 ] 2>/dev/null; then
    for d in /usr/lib/jvm/java-17-openjdk-*; do
      [ -x "$d/bin/java" ] && { export JAVA_HOME="$d"; export PATH="$d/bin:$PATH"; log "using JAVA_HOME=$d"; break; }
    done
  fi
fi
command -v mvn >/dev/null 2>&1 || { log "mvn not found"; exit 1; }

# ---- 2. build and test ---------------------------------------------------------------------------------------
mvn_log=$(mktemp "${TMPDIR:-/tmp}/lws-java-mvn.XXXXXX.log")
log "mvn -B install $* (full log: $mvn_log)"
start=$(date +%s)
set +e
mvn -B -ntp -Dstyle.color=never install "$@" </dev/null 2>&1 | tee "$mvn_log" | grep --line-buffered -E \
  '^\[INFO\] Building .* \[[0-9]+/[0-9]+\]$|Tests run:|^\[ERROR\]|^\[INFO\] (Reactor Summary|BUILD|Total time)|(SUCCESS|FAILURE|SKIPPED) \[|SUCCESS$|FAILURE$|SKIPPED$|^build-native:|^fetch-source:'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "----- last 150 lines of $mvn_log -----"
  tail -n 150 "$mvn_log"
  log "FAILED (mvn exit status $status) after $(( $(date +%s) - start )) s"
  exit "$status"
fi
log "mvn install passed in $(( $(date +%s) - start )) s"
bash "$here/scripts/check-native.sh"   # the Linux JNI library: glibc only, its GLIBC_* floor, nothing exported but JNI

# ---- a user's build from the artifacts alone: README's examples against each other (LWSJ_SKIP_CONSUMER=1 skips it)
if [ "${LWSJ_SKIP_CONSUMER:-0}" != 1 ]; then
  bash "$here/scripts/consumer-check.sh"
fi

# ---- 3. the native code under AddressSanitizer + UBSan (LWSJ_SKIP_SANITIZE=1 skips both):
#         hostile peers and regressions in the JVM, then libFuzzer over both faces and every kept crasher
if [ "${LWSJ_SKIP_SANITIZE:-0}" != 1 ]; then
  bash "$here/scripts/sanitize.sh" --smoke
  bash "$here/scripts/fuzz.sh" --smoke
fi

# the Maven run's module totals, in one line
awk '/Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$/ && !/ -- in / { gsub(/,/, ""); r+=$4; f+=$6; e+=$8; s+=$10 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", r-f-e-s, f+e, s }' "$mvn_log"
