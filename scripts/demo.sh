#!/usr/bin/env bash
# The lws-java echo demo in one command, also on a fresh Debian 12 machine:
#   1. set-up: the Debian packages the build needs, if some are missing, and `mvn install -DskipTests` of the
#      demo and the modules it depends on (native lws included). scripts/test.sh does both: it installs only
#      missing packages, as root or with password-less sudo (LWSJ_SKIP_APT=1 skips that), and passes the rest
#      of its arguments to Maven. LWSJ_DEMO_SKIP_BUILD=1 reuses an existing java/demo/target/lws-java-demo.jar.
#   2. the demo: an echo server in the background on a free loopback port, the client sending a few messages
#      through it, a short benchmark (twice: as the machine schedules it, then with client and server pinned to
#      CPU 0 like the README's performance table; LWSJ_DEMO_PIN=0 skips the pinned run), the same over wss://
#      with a generated self-signed certificate; then the servers stop. Everything has a time limit, so the script always ends by itself.
# Exit status 0 when every step worked. See docs/demo.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jar="$here/java/demo/target/lws-java-demo.jar"
bench_seconds="${LWSJ_DEMO_BENCH_SECONDS:-3}"

log() { echo "demo.sh: $*"; }
section() { printf '\n===== %s =====\n' "$*"; }

# ---- 1. set-up -------------------------------------------------------------------------------------------------
if [ "${LWSJ_DEMO_SKIP_BUILD:-0}" = 1 ] && [ -f "$jar" ]; then
  log "LWSJ_DEMO_SKIP_BUILD=1: using $jar as it is"
else
  section "set-up: packages and build"
  if [ -f scripts/test.sh ]; then
    # packages + `mvn -B install -DskipTests -pl java/demo -am` (quiet: only the reactor summary and errors)
    bash scripts/test.sh -q -DskipTests -pl java/demo -am
  else
    command -v mvn >/dev/null 2>&1 || { log "mvn is missing: install maven and openjdk-17-jdk-headless"; exit 1; }
    mvn -B -q -ntp install -DskipTests -pl java/demo -am </dev/null
  fi
fi
[ -f "$jar" ] || { log "the build did not make $jar"; exit 1; }

# Java 17 or newer (scripts/test.sh may have found it under /usr/lib/jvm without changing this shell's PATH)
java=java
if ! command -v java >/dev/null 2>&1 || \
   [ "$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)" -lt 17 ] 2>/dev/null; then
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-*; do
    [ -n "$d" ] && [ -x "$d/bin/java" ] && { java="$d/bin/java"; break; }
  done
fi
demo() { "$java" -jar "$jar" "$@"; }

# ---- 2. the demo ---------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/lws-java-demo.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# starts `server ARGS...` in the background (it stops by itself after 5 minutes in any case); sets url
start_server() {  # $1 log file, $2 URL scheme (ws or wss), rest: server options
  local logfile=$1 scheme=$2
  shift 2
  "$java" -jar "$jar" server --port 0 --stop-after 300 "$@" >"$logfile" 2>&1 &   # $! is the JVM itself
  local pid=$! i
  pids+=("$pid")
  for i in $(seq 1 300); do   # up to 30 s for the JVM to start and listen
    if grep -q "^listening: $scheme://" "$logfile"; then
      url=$(sed -n "s|^listening: \\($scheme://[^ ]*\\).*|\\1|p" "$logfile")
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  log "the server did not start:" >&2
  cat "$logfile" >&2
  return 1
}

stop_server() {  # $1 log file: stops the last server started and shows its log
  local pid=${pids[-1]}
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'pids[-1]'
  sed 's/^/  server | /' "$1"
}

status=0
run() {  # prints and runs a demo command with a time limit, and notes a failure; pin="taskset -c N" pins it
  echo "\$ ${pin:+$pin }java -jar java/demo/target/lws-java-demo.jar $*"
  # shellcheck disable=SC2086 # pin is a command prefix, split on purpose
  if ! timeout 120 ${pin:-} "$java" -jar "$jar" "$@" <"${input:-/dev/null}"; then
    status=1
    log "FAILED: $*"
  fi
  echo
}

section "versions"
demo version

section "echo server over ws://"
start_server "$work/server.log" ws
log "server listening on $url (web page: ${url/ws:/http:})"
echo
run client "$url" "hello" "lws-java echo demo" "ünïcödé ✓"
echo "one line from standard input" >"$work/input.txt"
echo "(standard input: $(cat "$work/input.txt"))"
input="$work/input.txt" run client "$url"
run client --count 3 --size 2048 --binary "$url"
run bench --duration "$bench_seconds" --warmup 1 "$url"
# The README's ping-pong figures are measured with client and server pinned to one CPU (scripts/bench.sh): on a
# machine with few cores an unpinned ping-pong pays for waking the other core at every hop. The same bench pinned:
if [ "${LWSJ_DEMO_PIN:-1}" = 1 ] && command -v taskset >/dev/null 2>&1; then
  taskset -a -p -c 0 "${pids[-1]}" >/dev/null   # every thread of the server JVM
  log "the same bench with server and client pinned to CPU 0, as in the README's performance table (which measures"
  log "the lws-java client against the C lws echo server; here both sides are lws-java)"
  pin="taskset -c 0" run bench --duration "$bench_seconds" --warmup 1 "$url"
else
  log "not pinned (LWSJ_DEMO_PIN=0 or no taskset): the README's ping-pong figures are pinned to one CPU"
fi
stop_server "$work/server.log"

section "echo server over wss:// (self-signed certificate made at start)"
start_server "$work/server-tls.log" wss --tls
cert=$(sed -n 's|^TLS: .*: \(/.*\.pem\)$|\1|p' "$work/server-tls.log")
log "server listening on $url, certificate $cert"
echo
run client --ca "$cert" "${url/127.0.0.1/localhost}" "hello over TLS"
run bench --duration 1 --warmup 0.5 --insecure "$url"
stop_server "$work/server-tls.log"

echo
if [ "$status" -eq 0 ]; then
  log "the demo ran; every echo came back"
else
  log "some steps FAILED (see above)"
fi
exit "$status"
