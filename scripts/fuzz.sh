#!/usr/bin/env bash
# Fuzzes what a network peer can send to lws-java's native core (lws + the lwsj engine) under ASan + UBSan with
# libFuzzer (docs/fuzzing.md).
#
#   scripts/fuzz.sh [--minutes N] [--face server|client|all] [--seed S] [--smoke]
#
#   --minutes N   total fuzzing time, shared by the faces (default 1)
#   --face F      server (lws as server), client (lws as client) or all (default)
#   --seed S      libFuzzer's -seed, for a reproducible run (default 1)
#   --smoke       every regression input once, then a short fuzz from the seeds alone (~2 minutes with a warm build)
#
# Builds into native/build/fuzz (nothing there is committed): cmake/ the sanitizer build, seeds/ the generated seeds,
# corpus/<face> the working corpus that grows run after run, artifacts/<face> what libFuzzer saved, logs/.
# Exits non-zero when an input crashed, leaked or timed out; such inputs are also copied to
# native/fuzz/regressions/<face>/ for committing (a regression must pass once its bug is fixed).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
minutes=1 face=all seed=1 smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --face) face=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    *) echo "usage: $0 [--minutes N] [--face server|client|all] [--seed S] [--smoke]" >&2; exit 2 ;;
  esac
done
case "$face" in server|client) faces=("$face") ;; all) faces=(server client) ;;
  *) echo "fuzz: --face is server, client or all" >&2; exit 2 ;; esac
start=$(date +%s)
out="$here/native/build/fuzz"
log() { echo "fuzz: $*"; }

# ---- tools: clang 14 with libFuzzer and the sanitizer runtimes (Debian: clang-14, libclang-rt-14-dev) ----------
CC=${FUZZ_CC:-clang-14}
can_fuzz() {
  local t; t=$(mktemp -d)
  echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' > "$t/t.c"
  "$CC" -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" >/dev/null 2>&1; local ok=$?
  rm -rf "$t"; return $ok
}
missing=()
command -v "$CC" >/dev/null 2>&1 && can_fuzz || missing+=(clang-14 libclang-rt-14-dev)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v patch >/dev/null 2>&1 || missing+=(patch)
for p in libssl-dev zlib1g-dev; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo=(sudo -n); }
  if { [ "$(id -u)" != 0 ] && [ ${#sudo[@]} -eq 0 ]; } || ! command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}), or run as root" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-y -q -o Acquire::http::Timeout=20 -o Acquire::https::Timeout=20 -o DPkg::Lock::Timeout=120)
  ${sudo[@]+"${sudo[@]}"} apt-get install "${apt_opts[@]}" "${missing[@]}" >/dev/null 2>&1 ||
    { ${sudo[@]+"${sudo[@]}"} apt-get update -q >/dev/null 2>&1 && ${sudo[@]+"${sudo[@]}"} apt-get install "${apt_opts[@]}" "${missing[@]}" >/dev/null; }
  can_fuzz || { echo "fuzz: $CC cannot build a libFuzzer target even after the install" >&2; exit 1; }
fi

# ---- build (-j2: the machine is shared) ----------------------------------------------------------------------
tarball=$("$here/scripts/fetch-source.sh" lws)
mkdir -p "$out/logs"
b0=$(date +%s)
cmake -S "$here/native/fuzz" -B "$out/cmake" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Release \
      -DLWS_TARBALL="$tarball" >"$out/logs/configure.log" 2>&1 || { tail -30 "$out/logs/configure.log"; exit 1; }
cmake --build "$out/cmake" --parallel 2 >"$out/logs/build.log" 2>&1 || { tail -50 "$out/logs/build.log"; exit 1; }
log "build ready ($(( $(date +%s) - b0 )) s)"

# ---- seeds ---------------------------------------------------------------------------------------------------
rm -rf "$out/seeds"
python3 "$here/native/fuzz/gen_seeds.py" "$out/seeds" | sed 's/^/fuzz: /'

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/native/fuzz/lsan.supp:print_suppressions=0}
failed=0

# ---- regressions (smoke): every saved input once; each must pass ---------------------------------------------
if [ "$smoke" = 1 ]; then
  for f in "${faces[@]}"; do
    dir="$here/native/fuzz/regressions/$f"
    inputs=("$dir"/*)
    [ -e "${inputs[0]}" ] || continue
    for input in "${inputs[@]}"; do  # one process each: a failure names its input, and the rest still run
      if "$out/cmake/fuzz_$f" -runs=1 "$input" >"$out/logs/regression-$f.log" 2>&1; then
        log "regression $f/$(basename "$input"): pass"
      else
        log "regression $f/$(basename "$input"): FAIL"
        grep -E "ERROR|SUMMARY|invariant" "$out/logs/regression-$f.log" | head -5 | sed 's/^/    /'
        failed=1
      fi
    done
  done
fi

# ---- fuzz ----------------------------------------------------------------------------------------------------
if [ "$smoke" = 1 ]; then per=${FUZZ_SMOKE_SECONDS:-40}; else per=$(( minutes * 60 / ${#faces[@]} )); fi
[ "$per" -ge 1 ] || per=1
summary=()
for f in "${faces[@]}"; do
  if [ "$smoke" = 1 ]; then corpus="$out/smoke/$f"; rm -rf "$corpus"; else corpus="$out/corpus/$f"; fi
  artifacts="$out/artifacts/$f"
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$corpus" -type f | wc -l)
  marker="$out/logs/.start-$f"; touch "$marker"; sleep 1  # artifacts newer than this are this run's
  flog="$out/logs/fuzz-$f.log"
  log "fuzzing the $f face for $per s (seed $seed), log $flog"
  set +e
  "$out/cmake/fuzz_$f" "$corpus" "$out/seeds/$f" -seed="$seed" -max_total_time="$per" -timeout=10 \
      -rss_limit_mb=2048 -dict="$here/native/fuzz/ws.dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
      -print_pcs=0 2>&1 | tee "$flog" | grep --line-buffered -E "INITED|pulse|DONE|ERROR|SUMMARY|invariant|Test unit" |
      sed -u 's/^/    /'
  rc=${PIPESTATUS[0]}
  set -e
  stat() { sed -nE "s/^stat::$1:[[:space:]]*([0-9]+).*/\1/p" "$flog" | tail -1 || true; }
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$flog" | tail -1 || true)
  after=$(find "$corpus" -type f | wc -l)
  new_artifacts=$(find "$artifacts" -type f -newer "$marker" | sort)
  crashes=$(printf '%s' "$new_artifacts" | grep -c . || true)
  if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
    failed=1
    mkdir -p "$here/native/fuzz/regressions/$f"
    for a in $new_artifacts; do
      cp "$a" "$here/native/fuzz/regressions/$f/"
      log "$f: $(basename "$a") copied to native/fuzz/regressions/$f/ (commit it; it must pass once fixed)"
    done
    [ "$crashes" -gt 0 ] || log "$f: libFuzzer exited with $rc and no artifact (see $flog)"
  fi
  stuck=$(sed -nE 's/^fuzz: ([0-9]+) input\(s\) waited for lws to close.*/\1/p' "$flog" | tail -1 || true)
  summary+=("$(printf '%-6s executions %-9s exec/s %-6s %-22s corpus %s -> %s (+%s new)  findings %s%s' "$f" \
    "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "${cov:-cov: -}" "$before" "$after" \
    "$(stat new_units_added)" "$crashes" "${stuck:+  (in $stuck inputs lws held a connection after the peer left, until its timeout)}")")
done

log "summary ($(( $(date +%s) - start )) s in all):"
for s in "${summary[@]}"; do echo "  $s"; done
if [ "$failed" != 0 ]; then
  log "FAILED: a regression input failed or the fuzzer found something (artifacts in $out/artifacts)"
  exit 1
fi
log "ok: no findings"
