#!/usr/bin/env bash
# Server on every core (issue 17): throughput of our echo server with serviceThreads 1 and 2, permessage-deflate on
# and 4 KiB messages (the server inflates and deflates each: CPU-bound), on the same machine as its load, with two
# load generators:
#   lws     K C clients over lws, one connection each, in separate processes: they deflate and inflate too, so on
#           a 2-core machine they take about as much CPU as the server;
#   replay  native/bench/ws-replay-client, C connections in one process that negotiate no context takeover and
#           replay one precompressed frame, counting the echoes without inflating them: it takes little CPU, so
#           what the second service thread gains is the server's own scaling (16 connections: with 4, the kernel's
#           SO_REUSEPORT hash often gives one service thread 3 of them).
# Prints each run and the median ratio 2 vs 1 per load generator, with the CPU seconds the server and the load
# generator used.
#
#   scripts/bench-threads.sh [--clients K] [--conns C] [--n N] [--reps R] [--load "lws replay"] [--out FILE]
#   (defaults: 4 lws clients, 16 replay connections, N = 200,000 echoes per run in all, 3 repetitions; 2 minutes)
#
# Needs the bench tools (run scripts/bench.sh --quick once to build them) and /usr/bin/time (package time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/java/bench/target/lws-java-bench.jar
cbin=$root/native/bench/build
k=4 conns=16 n=200000 reps=3 loads="lws replay" out=$root/bench/results/threads.md
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) k=$2; shift ;;
    --conns) conns=$2; shift ;;
    --n) n=$2; shift ;;
    --reps) reps=$2; shift ;;
    --load) loads=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "bench-threads: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x /usr/bin/time ] || { echo "bench-threads: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -f "$jar" ] && [ -x "$cbin/lws-bench-client" ] && [ -x "$cbin/ws-replay-client" ] || { echo "bench-threads: build the bench tools first (scripts/bench.sh --quick)" >&2; exit 1; }
work=$root/bench/work/threads; mkdir -p "$work"
ticks=$(getconf CLK_TCK)
declare -A rates
printf '| run | load | service threads | connections | msgs/s | server CPU s | load CPU s | wall s |\n|---|---|---:|---:|---:|---:|---:|---:|\n' > "$out.tmp"
for r in $(seq 1 "$reps"); do
 for load in $loads; do
  for t in 1 2; do
    port=$((29100 + t)) # below the ephemeral port range: the scale run leaves thousands in TIME_WAIT
    : > "$work/server-$t.log"
    java -Xms256m -Xmx2g -XX:+UseParallelGC -jar "$jar" server --impl lws --port "$port" --threads "$t" --deflate on \
      > "$work/server-$t.log" 2>&1 & spid=$!
    for i in $(seq 1 100); do grep -q READY "$work/server-$t.log" && break; sleep 0.1; done
    grep -q READY "$work/server-$t.log" || { echo "bench-threads: server did not start" >&2; cat "$work/server-$t.log" >&2; kill $spid; exit 1; }
    timeout 120 "$cbin/lws-bench-client" --port "$port" --mode stream --n 5000 --warmup 1000 --size 4096 --window 16 \
      --deflate >/dev/null 2>&1 # the JIT warms up
    start=$(date +%s.%N); s0=$(awk '{print $14+$15}' "/proc/$spid/stat")
    pids=()
    rm -f "$work"/client-*.cpu
    if [ "$load" = replay ]; then
      /usr/bin/time -f "%U %S" -o "$work/client-1.cpu" timeout 300 "$cbin/ws-replay-client" --port "$port" \
        --conns "$conns" --n $((n / conns)) --warmup 0 --size 4096 --window 16 > "$work/client-1.log" 2>&1 & pids+=($!)
    else
      for i in $(seq 1 "$k"); do
        /usr/bin/time -f "%U %S" -o "$work/client-$i.cpu" timeout 300 "$cbin/lws-bench-client" --port "$port" \
          --mode stream --n $((n / k)) --warmup 0 --size 4096 --window 16 --deflate > "$work/client-$i.log" 2>&1 & pids+=($!)
      done
    fi
    for p in "${pids[@]}"; do wait "$p" || { echo "bench-threads: a client failed" >&2; cat "$work"/client-*.log >&2; kill $spid; exit 1; }; done
    end=$(date +%s.%N); s1=$(awk '{print $14+$15}' "/proc/$spid/stat")
    ccpu=$(cat "$work"/client-*.cpu | awk '{c+=$1+$2} END{print c}')
    c=$k; [ "$load" = replay ] && c=$conns
    rate=$(awk -v n=$((n / c * c)) -v s="$start" -v e="$end" 'BEGIN{printf "%.0f", n/(e-s)}')
    rates[$load$t]="${rates[$load$t]:-} $rate"
    line=$(printf '| %d | %s | %d | %d | %s | %.1f | %.1f | %.1f |' "$r" "$load" "$t" "$c" "$rate" \
      "$(awk -v a="$s0" -v b="$s1" -v h="$ticks" 'BEGIN{print (b-a)/h}')" "$ccpu" \
      "$(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}')")
    echo "$line" | tee -a "$out.tmp"
    kill $spid; wait $spid 2>/dev/null || true
  done
 done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
summary=""
for load in $loads; do
  m1=$(echo "${rates[${load}1]}" | median); m2=$(echo "${rates[${load}2]}" | median)
  summary+=$(awk -v l="$load" -v a="$m1" -v b="$m2" \
    'BEGIN{printf "- load %s: median msgs/s 1 thread %.0f, 2 threads %.0f: **%.2fx**", l, a, b, b/a}')$'\n'
done
{ echo "# Server on every core: serviceThreads 1 vs 2 ($(nproc) CPUs, deflate echo of 4 KiB, $n echoes per run)"; echo
  echo "$summary"; cat "$out.tmp"; } > "$out"
rm -f "$out.tmp"
printf 'bench-threads: (%s)\n%s' "${out#"$root"/}" "$summary"
