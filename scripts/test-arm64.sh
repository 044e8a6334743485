#!/usr/bin/env bash
# linux-arm64 tested, not only built, on an x86_64 Debian machine: Debian's arm64 JVM under qemu user-mode emulation
# runs the tests and the demo against the cross-built linux-arm64 JNI jar (docs/platforms.md, "linux-arm64 under
# qemu"). Opt-in: scripts/test.sh does not run it.
#
#   scripts/test-arm64.sh            the presets' raw-binding tests, the tests of java/testkit, java/core,
#                                    java/config, java/server-it and java/micrometer, and the demo (scripts/demo.sh:
#                                    echo server, client and bench over ws:// and wss://)
#   scripts/test-arm64.sh --all      also the demo's integration tests and java/reliability-it (but one test, below)
#   scripts/test-arm64.sh --smoke    the demo only, shortened (a check for CI: about a minute when warm)
#   --install                        as root, first install what is missing (qemu-user-static, the cross compiler,
#                                    the arm64 package lists: scripts/arm64-root.sh --install, cross-arm64.sh --install)
#   --rebuild                        cross-build the JNI jar even when presets/target has a current one
#   other arguments                  go to the Maven test runs, e.g. -o or -Dtest=EchoTest
#
# Steps:
#   1. the arm64 root (scripts/arm64-root.sh): Debian's openjdk-17-jre-headless:arm64 and the libraries it needs,
#      unpacked into ~/.cache/lws-java/arm64-root; its bin/java runs the JRE's launcher with qemu-aarch64-static -L;
#   2. the linux-arm64 JNI jar: scripts/cross-arm64.sh, unless presets/target holds one newer than the native
#      sources and the local Maven repository has the same jar;
#   3. Maven with the profile qemu-arm64 (root pom.xml): Surefire and Failsafe fork the arm64 JVM, javacpp.platform
#      is linux-arm64, so the test class path carries the arm64 JNI jar; every report must say os.arch=aarch64.
#      Two tests are left out: ProxyTest.proxyEnvironmentVariablesAreIgnored starts a child JVM by the command of
#      its own process (ProcessHandle...command()), which under qemu is the arm64 launcher itself, a program the
#      host cannot execute (java.home/bin/java, the root's wrapper, would run); and (--all)
#      ReconnectTest.killedServerIsReconnectedAndMessagesSentMeanwhileAreDelivered streams a message every 2 ms into
#      a 500-message queue while its child server JVM restarts, which takes seconds under emulation, so most sends
#      fail with a full queue;
#   4. scripts/demo.sh with the arm64 JVM first on PATH and the demo jar built for linux-arm64.
# Maven: MAVEN_OPTS reaches every mvn call (e.g. -Dmaven.repo.local=/path); LWSJ_MVN_ARGS too.
# Afterwards presets/target and java/demo/target hold linux-arm64 builds: a plain `mvn install` goes back.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
log() { echo "test-arm64: $*"; }
section() { printf '\n===== %s =====\n' "$*"; }

smoke=0; all=0; install=""; rebuild=0; mvn_args=()
for a in "$@"; do
  case "$a" in
    --smoke) smoke=1 ;;
    --all) all=1 ;;
    --install) install=--install ;;
    --rebuild) rebuild=1 ;;
    *) mvn_args+=("$a") ;;
  esac
done
# shellcheck disable=SC2206 # LWSJ_MVN_ARGS is a list of arguments
mvn_args=(${LWSJ_MVN_ARGS:-} ${mvn_args[@]+"${mvn_args[@]}"})

start=$(date +%s)
stage_start=$start
times=()
stage_done() { local now; now=$(date +%s); times+=("$1 $(( now - stage_start )) s"); stage_start=$now; }
logs="$here/target/test-arm64"
mkdir -p "$logs"
summary=()
status=0

# ---- 1. the arm64 JVM ------------------------------------------------------------------------------------------
section "arm64 root"
root=$(bash scripts/arm64-root.sh $install)
java_home="$root/usr/lib/jvm/java-17-openjdk-arm64"
"$java_home/bin/java" -version 2>&1 | head -2
stage_done root

# ---- 2. the linux-arm64 JNI jar ----------------------------------------------------------------------------------
section "linux-arm64 JNI jar"
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' presets/pom.xml | head -1)
jar="presets/target/lws-presets-$version-linux-arm64.jar"
so=io/github/lwsjava/lws/linux-arm64/libjnilws.so
repo=$(echo "${MAVEN_OPTS:-} ${mvn_args[*]-}" | grep -oE -- '-Dmaven\.repo\.local=[^ ]+' | tail -1 | cut -d= -f2-)
repo=${repo:-$HOME/.m2/repository}
installed="$repo/io/github/lwsjava/lws-presets/$version/lws-presets-$version-linux-arm64.jar"
current() {  # the jar in presets/target is newer than everything it is built from, and the one Maven will use
  [ -f "$jar" ] && unzip -l "$jar" "$so" >/dev/null 2>&1 && [ -f presets/target/classes/$so ] &&
  [ -d presets/target/test-classes ] && cmp -s "$jar" "$installed" &&
  [ -z "$(find presets/src presets/pom.xml native cmake scripts/build-native.sh scripts/parser-conditions.sh \
            -path native/build -prune -o -type f -newer "$jar" -print | head -1)" ]
}
if [ "$rebuild" = 0 ] && current; then
  log "reusing $jar (newer than its sources; --rebuild builds it again)"
else
  LWSJ_MVN_ARGS="${mvn_args[*]-}" bash scripts/cross-arm64.sh $install 2>&1 \
    | grep --line-buffered -E '^(cross-arm64|check-native|arm64-root|build-native|fetch-source):|^\[ERROR\]|BUILD|Total time'
  [ "${PIPESTATUS[0]}" -eq 0 ] || { log "FAILED: the cross build (scripts/cross-arm64.sh)"; exit 1; }
fi
stage_done "JNI jar"

# ---- 3. tests under qemu -------------------------------------------------------------------------------------------
# runs Maven with the arm64 JVM for the tests; $1 names the log, the rest are Maven's arguments
mvn_qemu() {
  local name=$1; shift
  local logfile="$logs/$name.log"
  log "mvn $* (log: ${logfile#"$here"/})"
  set +e
  mvn -B -ntp -Dstyle.color=never -Pqemu-arm64 -Djavacpp.platform=linux-arm64 -Dlws.arm64.root="$root" "$@" \
      ${mvn_args[@]+"${mvn_args[@]}"} </dev/null >"$logfile" 2>&1
  local rc=$?
  set -e
  grep -E 'Tests run:|^\[ERROR\]' "$logfile" | grep -v -- ' -- in ' | head -20 || true
  if [ $rc -ne 0 ]; then
    tail -n 60 "$logfile"; log "FAILED: mvn $* (exit status $rc, log $logfile)"; status=1
  fi
  return $rc
}
# a module's totals from its Surefire (or Failsafe) reports, and proof that its test JVMs were the arm64 ones
totals() {  # $1 module directory, $2 reports directory (default surefire-reports)
  local reports="$1/target/${2:-surefire-reports}" line arches
  line=$( (sed -n 's/^<testsuite .* tests="\([0-9]*\)" errors="\([0-9]*\)" skipped="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2 \3 \4/p' "$reports"/TEST-*.xml 2>/dev/null || true) \
         | awk '{ r+=$1; e+=$2; s+=$3; f+=$4; n++ } END { printf "%d tests in %d classes: %d passed, %d failed, %d skipped", r, n, r-f-e-s, f+e, s }')
  arches=$( (cat "$reports"/TEST-*.xml 2>/dev/null || true) | { grep -oE 'name="os.arch" value="[^"]*"' || true; } | sort -u | sed 's/.*value="\(.*\)"/\1/' | xargs)
  summary+=("$1${2:+ ($2)}: $line (os.arch of the test JVMs: ${arches:-none})")
  case "$line" in *" 0 failed"*) ;; *) status=1 ;; esac
  if [ "$arches" != aarch64 ]; then log "FAILED: $1 did not run on the arm64 JVM (os.arch: ${arches:-no reports})"; status=1; fi
}

if [ "$smoke" = 0 ]; then
  section "presets: raw-binding tests under qemu"
  rm -rf presets/target/surefire-reports
  mvn_qemu presets -pl presets surefire:test || true
  totals presets
  stage_done "presets tests"

  modules=(java/testkit java/core java/config java/server-it java/micrometer)
  goal=package
  # tests that cannot pass under emulation, for reasons outside arm64 (the header); Surefire's excludes file adds to
  # each module's own excludes, where -Dtest would replace them
  printf '%s\n' '**/ProxyTest.java#proxyEnvironmentVariablesAreIgnored' \
         '**/ReconnectTest.java#killedServerIsReconnectedAndMessagesSentMeanwhileAreDelivered' >"$logs/excludes.txt"
  extra=(-Dsurefire.excludesFile="$logs/excludes.txt")
  if [ "$all" = 1 ]; then
    modules+=(java/reliability-it)
    goal=verify   # the demo's integration tests (Failsafe)
  fi
  section "tests of ${modules[*]}$([ "$all" = 1 ] && echo " and java/demo's integration tests") under qemu; the demo jar"
  for m in "${modules[@]}" java/demo; do rm -rf "$m/target/surefire-reports" "$m/target/failsafe-reports"; done
  mvn_qemu modules -pl "$(IFS=,; echo "${modules[*]}"),java/demo" "$goal" -Dmaven.javadoc.skip ${extra[@]+"${extra[@]}"} || true
  for m in "${modules[@]}"; do totals "$m"; done
  [ "$all" = 0 ] || totals java/demo failsafe-reports
  stage_done "module tests"
fi

# ---- 4. the demo under qemu -------------------------------------------------------------------------------------
demo_jar=java/demo/target/lws-java-demo.jar
section "the demo under qemu"
if ! { [ -f "$demo_jar" ] && unzip -l "$demo_jar" "$so" >/dev/null 2>&1 &&
       [ -z "$(find java/core/src java/core/pom.xml java/config/src java/config/pom.xml java/demo/src java/demo/pom.xml \
                   "$installed" -type f -newer "$demo_jar" -print | head -1)" ]; }; then
  mvn_qemu demo-jar -pl java/testkit,java/core,java/config,java/demo package -DskipTests -Dmaven.javadoc.skip || true
fi
stage_done "demo jar"
if unzip -l "$demo_jar" "$so" >/dev/null 2>&1; then
  demo_env=(PATH="$java_home/bin:$PATH" LWSJ_DEMO_SKIP_BUILD=1)
  [ "$smoke" = 1 ] && demo_env+=(LWSJ_DEMO_PIN=0 LWSJ_DEMO_BENCH_SECONDS=2)
  set +e
  env "${demo_env[@]}" bash scripts/demo.sh 2>&1 | tee "$logs/demo.log"
  demo_rc=${PIPESTATUS[0]}
  set -e
  echoes=$(grep -c '^\$ .*java -jar' "$logs/demo.log" || true)
  arch=$(sed -n 's/^lws-java-demo .*(Linux \([a-z0-9_]*\))$/\1/p' "$logs/demo.log" | head -1)   # its "version" line
  if [ "$demo_rc" -eq 0 ] && [ "$arch" = aarch64 ]; then
    summary+=("demo: $echoes client/bench runs passed (scripts/demo.sh; the JVM reports $arch)")
  else
    summary+=("demo: FAILED (scripts/demo.sh exit status $demo_rc, JVM architecture ${arch:-unknown})"); status=1
  fi
else
  summary+=("demo: FAILED (no linux-arm64 demo jar)"); status=1
fi
stage_done demo

# ---- summary -------------------------------------------------------------------------------------------------------
section "summary"
for s in "${summary[@]}"; do log "$s"; done
log "times: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g'); total $(( $(date +%s) - start )) s"
if [ "$status" -eq 0 ]; then
  log "PASSED$([ "$smoke" = 1 ] && echo " (smoke)") on linux-arm64 under qemu ($(qemu-aarch64-static --version | head -1))"
else
  log "FAILED (logs in ${logs#"$here"/})"
fi
exit "$status"
