#!/usr/bin/env bash
# Benchmark: lws-java against Netty, Jetty, the JDK client, Java-WebSocket, OkHttp and a C client over the same
# static lws (the native ceiling), each against a C lws echo server; our client, Netty's and the C one also against
# a server that is neither ours nor lws (uWebSockets.js, from npm); then our server against Netty's and the C one.
#
#   scripts/bench.sh [--quick] [--reps R] [--clients "c lws netty jetty jdk javaws okhttp"] [--skip-build]
#                    [--no-conns] [--no-server]
#   scripts/bench.sh --scale [--quick] ...   the scale benchmark instead (19,000 and 50,000 connections, lws-java
#                    against Netty): scripts/bench-scale.sh, whose header lists its options (about 10 minutes)
#
#   --quick       tiny counts, one repetition: a smoke test of the whole pipeline (about two minutes)
#   --medium      half the full counts (the published figures use --medium --reps 3: about 25 minutes)
#   --reps R      repetitions per measurement (default 5; medians are reported)
#   --skip-build  use the already built native/bench tools and java/bench/target/lws-java-bench.jar
#   --no-uws      without the uWebSockets.js server (installed once with npm into ~/.cache/lws-java/uws)
#
# Works from a clean clone: builds the native core (scripts/build-native.sh) if it is missing, the native bench
# tools (native/bench, CMake) and the harness (Maven profile "bench"). Loopback (127.0.0.1) only. Ping-pong runs
# with client and server pinned to CPU 0 (taskset), streaming unpinned. Output: bench/results/results.md,
# results.csv, ratios.png and raw.txt (every RESULT line); logs in bench/work/.
# Run it on a quiet machine: other processes on the same CPUs distort every figure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for a in "$@"; do
  if [ "$a" = --scale ]; then exec "$root/scripts/bench-scale.sh" "$@"; fi
done

quick=0 reps=5 build=1 do_conns=1 do_server=1 do_uws=1
clients="c lws netty jetty jdk javaws okhttp"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; reps=1 ;;
    --medium) quick=2 ;;
    --reps) reps=$2; shift ;;
    --clients) clients=$2; shift ;;
    --skip-build) build=0 ;;
    --no-conns) do_conns=0 ;;
    --no-server) do_server=0 ;;
    --no-uws) do_uws=0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  pp_n=2000 pp_w=1000 tls_pp_n=500 window=16 conns_n=200 timeout=60
  stream_sizes="64:4000 4096:2000" tls_stream="4096:500"
elif [ "$quick" = 2 ]; then
  pp_n=50000 pp_w=20000 tls_pp_n=20000 window=32 conns_n=5000 timeout=300
  stream_sizes="64:150000 4096:50000 65536:5000" tls_stream="4096:20000"
else
  pp_n=100000 pp_w=20000 tls_pp_n=30000 window=32 conns_n=5000 timeout=300
  stream_sizes="64:300000 4096:100000 65536:10000" tls_stream="4096:30000"
fi

work=$root/bench/work
out=$root/bench/results
mkdir -p "$work" "$out"
raw=$work/raw.txt
: > "$raw"
log=$work/bench.log
: > "$log"
ncpu=$(nproc 2>/dev/null || echo 2)
all_cpus="0-$((ncpu - 1))"

# ---- build ---------------------------------------------------------------------------------------------------
native_install=$root/native/build/linux-x86_64/install
cbin=$root/native/bench/build
jar=$root/java/bench/target/lws-java-bench.jar
if [ "$build" = 1 ]; then
  if [ ! -f "$native_install/lib/libwebsockets.a" ]; then
    echo "bench: building the native core (scripts/build-native.sh)"
    "$root/scripts/build-native.sh"
  fi
  echo "bench: building native/bench"
  cmake -S "$root/native/bench" -B "$cbin" -DCMAKE_BUILD_TYPE=Release >>"$log" 2>&1
  cmake --build "$cbin" --parallel "$ncpu" >>"$log" 2>&1 || { tail -30 "$log"; exit 1; }
  echo "bench: building the Java harness (mvn -P bench -pl java/bench -am install)"
  mvn -B -q -P bench -pl java/bench -am install -DskipTests >>"$log" 2>&1 || { tail -40 "$log"; exit 1; }
fi
[ -x "$cbin/lws-bench-client" ] && [ -f "$jar" ] || { echo "bench: tools missing, run without --skip-build" >&2; exit 1; }

# 5,000 connections need as many descriptors on each side
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- a self-made certificate for wss (IP SAN 127.0.0.1, so every client verifies it as is) ---------------------
tlsdir=$work/tls
mkdir -p "$tlsdir"
if [ ! -s "$tlsdir/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$tlsdir/key.pem" -out "$tlsdir/cert.pem" >>"$log" 2>&1
fi
cert=$tlsdir/cert.pem key=$tlsdir/key.pem

# ---- echo servers ----------------------------------------------------------------------------------------------
java_opts=(-Xms256m -Xmx2g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled "-XX:ErrorFile=$work/hs_err_%p.log")
# settings for the lws-java builders (name=value,...; java/bench's LwsOptions), e.g. LWSJ_BENCH_LWS=serviceThreads=2
[ -n "${LWSJ_BENCH_LWS:-}" ] && java_opts+=("-Dlwsj.bench.lws=$LWSJ_BENCH_LWS")
base=${BENCH_PORT_BASE:-17700}
declare -A port pid
started=()
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# start_server NAME(c|lws|netty|uws) TLS(0|1) PORT
start_server() {
  local name=$1 tls=$2 p=$3 slog="$work/server-$1-$2.log"
  : >"$slog"
  if [ "$name" = uws ]; then
    if [ "$tls" = 1 ]; then UWS_DIR=$uws_dir node "$root/scripts/bench-uws-echo.js" "$p" "$cert" "$key" >"$slog" 2>&1 &
    else UWS_DIR=$uws_dir node "$root/scripts/bench-uws-echo.js" "$p" >"$slog" 2>&1 & fi
  elif [ "$name" = c ]; then
    if [ "$tls" = 1 ]; then "$cbin/lws-bench-echo-server" -p "$p" --tls "$cert" "$key" >"$slog" 2>&1 &
    else "$cbin/lws-bench-echo-server" -p "$p" >"$slog" 2>&1 & fi
  else
    if [ "$tls" = 1 ]; then java "${java_opts[@]}" -jar "$jar" server --impl "$name" --port "$p" --cert "$cert" --key "$key" >"$slog" 2>&1 &
    else java "${java_opts[@]}" -jar "$jar" server --impl "$name" --port "$p" >"$slog" 2>&1 & fi
  fi
  local sp=$!
  started+=("$sp")
  for _ in $(seq 1 100); do
    if grep -q '^READY' "$slog"; then port[$name$tls]=$p; pid[$name$tls]=$sp; return 0; fi
    kill -0 "$sp" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: echo server $name (tls=$tls) did not start:" >&2; cat "$slog" >&2; return 1
}

start_server c 0 "$base"
start_server c 1 $((base + 1))
server_impls="c"
if [ "$do_server" = 1 ]; then
  start_server lws 0 $((base + 2)) && start_server lws 1 $((base + 3)) && server_impls="$server_impls lws" \
    || echo "bench: our echo server did not start: server figures for lws-java skipped" | tee -a "$log"
  start_server netty 0 $((base + 4)) && start_server netty 1 $((base + 5)) && server_impls="$server_impls netty"
  # ours on libuv too (EventLoop.LIBUV; the default, and the C echo server's loop, is lws's poll())
  start_server lws-uv 0 $((base + 8)) && start_server lws-uv 1 $((base + 9)) && server_impls="$server_impls lws-uv"
fi
# uWebSockets.js: installed once (bounded, fails fast without the npm registry); its rows are skipped without it
uws_dir=${LWSJ_UWS_DIR:-$HOME/.cache/lws-java/uws}
uws_clients=""
if [ "$do_uws" = 1 ]; then
  if [ ! -d "$uws_dir/node_modules/uwebsockets" ] && command -v npm >/dev/null; then
    mkdir -p "$uws_dir"
    [ -f "$uws_dir/package.json" ] || echo '{"name":"lws-java-bench-uws","private":true}' >"$uws_dir/package.json"
    (cd "$uws_dir" && timeout 180 npm install --no-audit --no-fund --silent uwebsockets@3.0.6) >>"$log" 2>&1 || true
  fi
  if [ -d "$uws_dir/node_modules/uwebsockets" ] && start_server uws 0 $((base + 6)) && start_server uws 1 $((base + 7)); then
    for c in c lws netty; do [[ " $clients " == *" $c "* ]] && uws_clients="$uws_clients $c"; done
  else
    echo "bench: uWebSockets.js did not install or start: its rows are skipped" | tee -a "$log"
  fi
fi

n4096=$(tr ' ' '\n' <<<"$stream_sizes" | sed -n 's/^4096://p')
# ---- the plan: one line per measurement: role server client workload tls size window n warmup -------------------
plan=()
for c in $clients; do
  plan+=("client c $c pingpong 0 32 1 $pp_n $pp_w")
  for sn in $stream_sizes; do
    plan+=("client c $c stream 0 ${sn%%:*} $window ${sn##*:} $(( ${sn##*:} / 10 ))")
  done
  plan+=("client c $c pingpong 1 32 1 $tls_pp_n $(( tls_pp_n / 4 ))")
  for sn in $tls_stream; do
    plan+=("client c $c stream 1 ${sn%%:*} $window ${sn##*:} $(( ${sn##*:} / 10 ))")
  done
  if [ "$do_conns" = 1 ]; then plan+=("client c $c conns 0 32 1 $conns_n 0"); fi
done
# our client on libuv (EventLoop.LIBUV; the default is poll()): ping-pong and the connections workload
if [[ " $clients " == *" lws "* ]]; then
  plan+=("client c lws-uv pingpong 0 32 1 $pp_n $pp_w")
  if [ "$do_conns" = 1 ]; then plan+=("client c lws-uv conns 0 32 1 $conns_n 0"); fi
fi
for c in $uws_clients; do
  plan+=("client uws $c pingpong 0 32 1 $pp_n $pp_w")
  for sn in $stream_sizes; do
    plan+=("client uws $c stream 0 ${sn%%:*} $window ${sn##*:} $(( ${sn##*:} / 10 ))")
  done
  plan+=("client uws $c pingpong 1 32 1 $tls_pp_n $(( tls_pp_n / 4 ))")
done
if [ "$do_server" = 1 ]; then
  for s in $server_impls; do
    for c in c netty; do
      plan+=("server $s $c pingpong 0 32 1 $pp_n $pp_w")
      plan+=("server $s $c stream 0 4096 $window $n4096 $((n4096 / 10))")
      plan+=("server $s $c pingpong 1 32 1 $tls_pp_n $(( tls_pp_n / 4 ))")
    done
  done
fi
total=$(( ${#plan[@]} * reps ))
k=0 failures=0
echo "bench: $total measurements ($reps repetition(s)); raw lines in $raw"

run_one() { # role server client workload tls size window n warmup rep
  local role=$1 srv=$2 cl=$3 wl=$4 tls=$5 size=$6 win=$7 n=$8 warm=$9 rep=${10}
  local p=${port[$srv$tls]:-} spid=${pid[$srv$tls]:-}
  [ -n "$p" ] || return 1
  local scheme=ws; [ "$tls" = 1 ] && scheme=wss
  local pin=()
  if [ "$wl" = pingpong ]; then
    pin=(taskset -c 0)
    taskset -a -p -c 0 "$spid" >/dev/null
  fi
  local cmd
  if [ "$cl" = c ]; then
    cmd=("$cbin/lws-bench-client" --port "$p" --mode "$wl" --n "$n" --warmup "$warm" --size "$size"
         --window "$win" --timeout "$timeout")
    [ "$tls" = 1 ] && cmd+=(--tls --ca "$cert")
  else
    cmd=(java "${java_opts[@]}" -jar "$jar" client --impl "$cl" --workload "$wl" --url "$scheme://127.0.0.1:$p/"
         --n "$n" --warmup "$warm" --size "$size" --window "$win" --timeout "$timeout")
    [ "$tls" = 1 ] && cmd+=(--ca "$cert")
  fi
  local line rc=0
  line=$(timeout $((timeout + 60)) "${pin[@]}" "${cmd[@]}" 2>>"$log" | grep '^RESULT' | tail -1) || rc=$?
  [ "$wl" = pingpong ] && taskset -a -p -c "$all_cpus" "$spid" >/dev/null
  if [ -z "$line" ]; then
    echo "FAILED role=$role server=$srv client=$cl workload=$wl tls=$tls size=$size rep=$rep rc=$rc" >>"$log"
    return 1
  fi
  echo "$line role=$role server=$srv rep=$rep" >>"$raw"
  echo "$line"
}

start=$(date +%s)
for rep in $(seq 1 "$reps"); do
  for job in "${plan[@]}"; do
    k=$((k + 1))
    set -- $job
    summary=$(run_one $job "$rep") || { failures=$((failures + 1)); summary="FAILED (see $log)"; }
    # progress line: measurement k of total, elapsed time, what ran and its headline figures
    printf '[%3d/%d %4ds] rep %d %-6s server=%-5s client=%-6s %-8s %s size=%-5s -> %s\n' "$k" "$total" \
      $(( $(date +%s) - start )) "$rep" "$1" "$2" "$3" "$4" "$([ "$5" = 1 ] && echo wss || echo ws)" "$6" \
      "$(sed -E 's/.*(rate=[^ ]+).*(p50=[^ ]+).*/\1 \2/; s/.*(rate=[^ ]+ mbps=[^ ]+).*/\1/; s/.*(connect_ms=[^ ]+).*(rss_kb_per_conn=[^ ]+).*(threads=[^ ]+).*/\1 \2 \3/' <<<"$summary")"
  done
done

cp "$raw" "$out/raw.txt"
java -cp "$jar" io.github.lwsjava.bench.Bench report --in "$raw" --out "$out"
echo "bench: $((total - failures)) of $total measurements done in $(( $(date +%s) - start )) s;" \
     "results in bench/results/ (results.md, results.csv, ratios.png)"
[ "$failures" = 0 ] || echo "bench: $failures measurement(s) failed, see $log"
