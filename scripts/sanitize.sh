#!/usr/bin/env bash
# Runs lws-java's suites over the native code built with AddressSanitizer + UndefinedBehaviorSanitizer (Maven
# profile "sanitize": lws, the C engine and the JNI library), every test JVM with gcc's ASan runtime preloaded.
# Any sanitizer report fails the run; reports are kept in target/sanitizer-reports/.
#
#   bash scripts/sanitize.sh           the whole suite: core, reliability, server and conformance (opt-in, ~10 min)
#   bash scripts/sanitize.sh --smoke   the hostile-peer and regression tests only (.ci/run, ~3 min)
#   extra arguments go to Maven, e.g. -Dtest=EchoTest
#
# Run scripts/test.sh (or mvn install) once first: the sanitized build is verified in the reactor, never installed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
log() { echo "sanitize.sh: $*"; }

smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi

runtime=$(gcc -print-file-name=libasan.so)
[ -f "$runtime" ] || { log "gcc's AddressSanitizer runtime not found (gcc -print-file-name=libasan.so): install g++"; exit 1; }
reports="$here/target/sanitizer-reports"
rm -rf "$reports"; mkdir -p "$reports"

# The JVM takes SIGSEGV, SIGBUS, SIGFPE and SIGILL for itself (safepoints, implicit null and division checks):
# ASan must leave them to it. Leaks are LeakSanitizer's business (java/reliability-it/lsan), not this run's.
asan="detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:allow_user_segv_handler=1"
asan="$asan:halt_on_error=1:log_path=$reports/asan"
ubsan="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"

modules=java/testkit,presets,java/core,java/config,java/reliability-it,java/server-it,java/conformance
tests=()
if [ "$smoke" = 1 ]; then
  modules=java/testkit,presets,java/core,java/reliability-it
  tests=(-Dtest='EchoTest,ErrorsTest,HostileClientTest,HostileServerTest,FailAfterValidMessageTest,OversizeMessageTest' -Dsurefire.failIfNoSpecifiedTests=false)
fi

mvn_log=$(mktemp "${TMPDIR:-/tmp}/lws-java-sanitize.XXXXXX.log")
log "mvn -Psanitize verify -pl $modules ${tests[*]-} $* (full log: $mvn_log)"
start=$(date +%s)
set +e
mvn -B -ntp -Dstyle.color=never -Psanitize verify -pl "$modules" ${tests[@]+"${tests[@]}"} \
    -Dsanitize.preload="$runtime" -Dsanitize.asan.options="$asan" -Dsanitize.ubsan.options="$ubsan" "$@" </dev/null 2>&1 \
  | tee "$mvn_log" | grep --line-buffered -E 'Tests run:|^\[ERROR\]|BUILD|^build-native:'
status=${PIPESTATUS[0]}
set -e
# reports land in $reports, except those a runtime prints to stderr anyway (gcc's UBSan inside an ASan process)
pattern='ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:'
found=$(( $(find "$reports" -type f | wc -l) + $(grep -cE "$pattern" "$mvn_log" || true) ))
for f in $(find "$reports" -type f | head -5); do
  echo "----- $f"; head -n 40 "$f"
done
grep -E -A 12 "$pattern" "$mvn_log" | head -n 60 || true
log "sanitizer reports: $found (in $reports); mvn exit status $status; $(( $(date +%s) - start )) s"

# The C engine alone over real sockets, without a JVM (native/test/echo_test.c: client and server echo over ws
# and wss+deflate, sends queued directly and through the post box), with the same sanitizers and LeakSanitizer.
echo_status=0
san=$here/native/build/linux-x86_64-sanitize/install
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lws-java-echo.XXXXXX")
if gcc -fsanitize=address,undefined -fno-omit-frame-pointer -g -I"$san/include" native/test/echo_test.c      -L"$san/lib" -llwsj -lwebsockets -lssl -lcrypto -lz $([ -f "$san/lib/libuv.a" ] && echo -luv) -lpthread -ldl -o "$tmp/echo_test"    && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null; then
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1     timeout 120 "$tmp/echo_test" "$tmp/cert.pem" "$tmp/key.pem" || echo_status=$?
else
  echo_status=1
fi
rm -rf "$tmp"
log "echo_test (C engine, ASan+UBSan+LSan): $([ "$echo_status" -eq 0 ] && echo passed || echo "FAILED ($echo_status)")"
[ "$status" -eq 0 ] && [ "$found" -eq 0 ] && [ "$echo_status" -eq 0 ]
