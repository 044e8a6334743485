#!/usr/bin/env bash
# Scale benchmark (issue 17): many concurrent connections, lws-java against Netty, client and server in separate
# processes on loopback. For each client/server pair: open N connections, one 32-byte echo on each, one 32-byte
# broadcast from the server to all of them; connect time, echo time, broadcast time (from the server's broadcast
# call to the last arrival) and RSS + heap per connection in the client and in the server process.
#
#   scripts/bench.sh --scale [--quick] [--n N] [--split "TOTAL PROCS"] [--reps R] [--pairs "lws:lws ..."]
#                    [--ports K] [--inflight K] [--skip-build] [--no-docs]
#   (the same as scripts/bench-scale.sh ...)
#
#   --quick      a smoke run of the whole pipeline (2,000 and 3 x 1,000 connections; about a minute); its report
#                goes to bench/work/scale/, not bench/results/
#   --n N        connections of the single-process pairs (default: 19,000, or 1,000 fewer than the fd hard limit)
#   --split "TOTAL PROCS"  TOTAL connections over PROCS client processes, each against its own server process, at
#                once (default "50000 3"); "0 0" skips it. Pairs lws:lws and netty:netty.
#   --reps R     repetitions (default 3, --quick 1; medians are reported)
#   --pairs P    the single-process pairs, client:server (default "lws:lws netty:netty lws:netty netty:lws")
#   --ports K    server ports per server process, the connections spread over them (default 4; see below)
#   --inflight K handshakes in flight per client (default 1000: within the listen backlog of both servers)
#   --no-docs    leave docs/performance.md alone (--quick never writes it)
#
# Then the server on every core: scripts/bench-threads.sh (serviceThreads 2 vs 1; about a minute, --quick one
# repetition of a fifth of it), into bench/results/threads.md (--quick: bench/work/scale/threads.md).
#
# Why several processes: this machine's hard limit on open files per process is 20,000 and cannot be raised
# without CAP_SYS_RESOURCE, so one process holds at most about 19,000 sockets; 50,000 connections take three
# client and three server processes. Why several ports: Linux tries even ephemeral ports first for connect(), so
# beyond ~14,000 connections to one address:port each connect() scans the used ones; spread over K server ports,
# each destination needs N/K. The ephemeral port range is left as it is.
#
# The environment variable LWSJ_BENCH_LWS passes settings to the lws-java client and server builders
# (name=value,...; see java/bench's LwsOptions), e.g. LWSJ_BENCH_LWS=eventLoop=LIBUV for libuv under lws.
# Output: bench/results/scale-raw.txt, scale.md, scale.csv, scale.png, and the section between the scale markers
# of docs/performance.md; logs in bench/work/scale/. Run it on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

quick=0 reps="" build=1 docs=1 ports=4 inflight=1000 n="" split="50000 3"
pairs="lws:lws netty:netty lws:netty netty:lws"
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) ;;
    --quick) quick=1 ;;
    --n) n=$2; shift ;;
    --split) split=$2; shift ;;
    --reps) reps=$2; shift ;;
    --pairs) pairs=$2; shift ;;
    --ports) ports=$2; shift ;;
    --inflight) inflight=$2; shift ;;
    --skip-build) build=0 ;;
    --no-docs) docs=0 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "bench-scale: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# descriptors: as many as the hard limit allows; one process needs N sockets plus the JVM's own (~100)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fdmax=$(ulimit -n)
[ "$fdmax" = unlimited ] && fdmax=1048576
if [ "$quick" = 1 ]; then
  : "${n:=2000}" "${reps:=1}"; [ "$split" = "50000 3" ] && split="3000 3"
  timeout=60 ports=2 warmup=200
else
  : "${n:=$(( fdmax - 1000 < 19000 ? fdmax - 1000 : 19000 ))}" "${reps:=3}"
  timeout=240 warmup=500
fi
read -r split_total split_procs <<<"$split"
per_proc=$(( split_procs > 0 ? (split_total + split_procs - 1) / split_procs : 0 ))
for want in "$n" "$per_proc"; do
  if [ "$want" -gt $((fdmax - 200)) ]; then
    echo "bench-scale: $want connections in one process need more than the $fdmax descriptors allowed (ulimit -n)" >&2
    exit 1
  fi
done
read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
if [ $(( (n + ports - 1) / ports )) -gt $(( (port_hi - port_lo) / 2 )) ]; then
  echo "bench-scale: note: $((n / ports)) connections per server port use more than the even half of the" \
       "ephemeral ports ($port_lo-$port_hi): connect() slows down; use more --ports" >&2
fi

work=$root/bench/work/scale
out=$root/bench/results
mkdir -p "$work" "$out"
log=$work/bench-scale.log
raw=$work/scale-raw.txt
: > "$log"
: > "$raw"
jar=$root/java/bench/target/lws-java-bench.jar
if [ "$build" = 1 ]; then
  echo "bench-scale: building the Java harness (mvn -P bench -pl java/bench -am install)"
  mvn -B -q -P bench -pl java/bench -am install -DskipTests >>"$log" 2>&1 || { tail -40 "$log"; exit 1; }
fi
[ -f "$jar" ] || { echo "bench-scale: $jar missing, run without --skip-build" >&2; exit 1; }

# The heap is fixed and resident from the start (-Xms = -Xmx, AlwaysPreTouch): the RSS delta is then the memory
# outside the Java heap, and the heap delta (after a full GC) the live objects; see ScaleClient.
java_opts=(-Xms768m -Xmx768m -XX:+AlwaysPreTouch -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled
           "-XX:ErrorFile=$work/hs_err_%p.log" "-Dorg.bytedeco.javacpp.cachedir=$work/javacpp-cache")
# (its own JavaCPP cache: another checkout's bench jar, of the same name, would otherwise share the native library)
[ -n "${LWSJ_BENCH_LWS:-}" ] && java_opts+=("-Dlwsj.bench.lws=$LWSJ_BENCH_LWS")

started=()
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

next_port=${BENCH_SCALE_PORT_BASE:-21000}
# start_server IMPL LOGFILE: starts a scale server on a fresh block of $ports ports; sets srv_pid and srv_port
start_server() {
  local impl=$1 slog=$2 p=$next_port
  next_port=$((next_port + ports))
  : >"$slog" # before the start: an old READY line must not count
  java "${java_opts[@]}" -jar "$jar" scale-server --impl "$impl" --port "$p" --ports "$ports" >"$slog" 2>&1 &
  srv_pid=$! srv_port=$p
  started+=("$srv_pid")
  for _ in $(seq 1 300); do
    grep -q '^READY' "$slog" && return 0
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench-scale: the $impl scale server did not start:" >&2
  cat "$slog" >&2
  return 1
}

stop() { # stop PID...: ends the processes this script started, and waits for them
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

client_cmd() { # client_cmd IMPL PORT N [barrier args...]: sets cmd, the client's command line
  local impl=$1 p=$2 count=$3
  shift 3
  cmd=(timeout $((timeout * 6 + 60)) java "${java_opts[@]}" -jar "$jar" scale-client --impl "$impl"
       --url "ws://127.0.0.1:$p/" --ports "$ports" --n "$count" --inflight "$inflight" --warmup "$warmup"
       --timeout "$timeout" "$@")
}

# summary LINE: the headline figures of a RESULT line, or the FAILED line itself
summary() {
  local line=$1
  if [[ "$line" != RESULT* ]]; then echo "$line"; return; fi
  sed -E 's/.* n=([0-9]+) .*connect_ms=([^ ]+) echo_ms=([^ ]+) broadcast_ms=([^ ]+) .*client_kb_per_conn=([^ ]+) .*server_kb_per_conn=([^ ]+) .*/n=\1 connect=\2 ms echo=\3 ms broadcast=\4 ms client=\5 KiB\/conn server=\6 KiB\/conn/' <<<"$line"
}

total=0
for _ in $(seq 1 "$reps"); do
  total=$((total + $(wc -w <<<"$pairs")))
  [ "$split_procs" -gt 0 ] && total=$((total + 2))
done
k=0 failures=0 start=$(date +%s)
progress() { printf '[%2d/%d %4ds] %s\n' "$k" "$total" $(( $(date +%s) - start )) "$*"; }
echo "bench-scale: $total measurements: pairs \"$pairs\" with $n connections each" \
     "$([ "$split_procs" -gt 0 ] && echo "; $split_total over $split_procs process pairs (lws:lws, netty:netty)");" \
     "$ports ports per server, $inflight handshakes in flight, fd limit $fdmax; log $log"
echo "bench-scale: load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on these CPUs distort the times)"

for rep in $(seq 1 "$reps"); do
  for pair in $pairs; do
    k=$((k + 1))
    c=${pair%%:*} s=${pair##*:}
    slog=$work/server-$c-$s-$rep.log clog=$work/client-$c-$s-$rep.log
    progress "rep $rep: $c client -> $s server, $n connections ..."
    if ! start_server "$s" "$slog"; then failures=$((failures + 1)); continue; fi
    client_cmd "$c" "$srv_port" "$n" --id 0
    line=$("${cmd[@]}" 2>"$clog" | grep -E '^(RESULT|FAILED)' | tail -1) || true
    stop "$srv_pid"
    [ -n "$line" ] || line="FAILED impl=$c server=$s n=$n (no result; see $clog)"
    if [[ "$line" == RESULT* ]]; then echo "$line group=single rep=$rep" >>"$raw"; else failures=$((failures + 1)); fi
    echo "$line" >>"$log"
    progress "rep $rep: $c client -> $s server: $(summary "$line")"
  done
  if [ "$split_procs" -gt 0 ]; then
    for pair in lws:lws netty:netty; do
      k=$((k + 1))
      c=${pair%%:*} s=${pair##*:}
      progress "rep $rep: $split_total connections, $split_procs x ($c client -> $s server) at once ..."
      barrier=$work/barrier-$c-$s-$rep
      rm -rf "$barrier"
      spids=() cpids=() ok=1
      for i in $(seq 1 "$split_procs"); do
        if ! start_server "$s" "$work/server-split-$s-$rep-$i.log"; then ok=0; break; fi
        spids+=("$srv_pid")
        cnt=$(( split_total / split_procs + (i <= split_total % split_procs ? 1 : 0) ))
        client_cmd "$c" "$srv_port" "$cnt" --barrier "$barrier" --parties "$split_procs" --id "$i"
        "${cmd[@]}" >"$work/client-split-$c-$rep-$i.out" 2>"$work/client-split-$c-$rep-$i.log" &
        cpids+=("$!")
        started+=("$!")
      done
      for p in "${cpids[@]}"; do wait "$p" 2>/dev/null || true; done
      stop "${spids[@]}"
      lines=()
      for i in $(seq 1 "$split_procs"); do
        l=$(grep -hE '^(RESULT|FAILED)' "$work/client-split-$c-$rep-$i.out" 2>/dev/null | tail -1) || true
        lines+=("${l:-FAILED impl=$c server=$s id=$i (no result; see $work/client-split-$c-$rep-$i.log)}")
      done
      if [ "$ok" = 1 ] && ! printf '%s\n' "${lines[@]}" | grep -q '^FAILED'; then
        for l in "${lines[@]}"; do echo "$l group=split rep=$rep" >>"$raw"; done
        printf '%s\n' "${lines[@]}" >>"$log"
        # the sums and spans over the processes, as the report computes them
        progress "rep $rep: $split_procs x ($c -> $s): $(printf '%s\n' "${lines[@]}" | awk '
          { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            n += f["n"]; cr += f["client_rss_kb"]; ch += f["client_heap_b"] / 1024; sr += f["server_rss_kb"]
            sh += f["server_heap_b"] / 1024
            if (c0 == "" || f["t_connect0"] < c0) c0 = f["t_connect0"]; if (f["t_connect1"] > c1) c1 = f["t_connect1"]
            if (b0 == "" || f["t_bcast_call"] < b0) b0 = f["t_bcast_call"]; if (f["t_bcast_last"] > b1) b1 = f["t_bcast_last"] }
          END { printf "n=%d connect=%.0f ms broadcast=%.1f ms client=%.2f KiB/conn server=%.2f KiB/conn",
                n, (c1 - c0) / 1e6, (b1 - b0) / 1e6, (cr + ch) / n, (sr + sh) / n }')"
      else
        failures=$((failures + 1))
        printf '%s\n' "${lines[@]}" >>"$log"
        progress "rep $rep: $split_procs x ($c -> $s) FAILED:"
        printf '    %s\n' "${lines[@]}"
      fi
    done
  fi
done

[ "$quick" = 1 ] && out=$work # a smoke run leaves the published figures alone
[ "$raw" -ef "$out/scale-raw.txt" ] || cp "$raw" "$out/scale-raw.txt"
report=(java -cp "$jar" io.github.lwsjava.bench.Bench scale-report --in "$raw" --out "$out")
[ "$quick" = 0 ] && [ "$docs" = 1 ] && report+=(--docs "$root/docs/performance.md")
if [ -s "$raw" ]; then "${report[@]}"; else echo "bench-scale: no results"; fi
echo "bench-scale: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-scale: $((total - failures)) of $total measurements done in $(( $(date +%s) - start )) s;" \
     "results in ${out#"$root"/}/ (scale.md, scale.csv, scale.png)"
[ "$failures" = 0 ] || { echo "bench-scale: $failures measurement(s) failed, see $log"; exit 1; }

echo "bench-scale: the server on every core (scripts/bench-threads.sh)"
if [ "$quick" = 1 ]; then "$root/scripts/bench-threads.sh" --reps 1 --n 40000 --out "$work/threads.md"
else "$root/scripts/bench-threads.sh"; fi
