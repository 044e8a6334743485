#!/usr/bin/env bash
# Evaluates every #if / #ifdef / #ifndef / #elif condition of the given lws headers against the
# lws_config.h of this build, with the compiler that builds the JNI library, and writes
# "0|1<TAB>condition" lines. JavaCPP's Parser keeps every unknown conditional branch (the #else
# too); the presets class reads this file and tells the Parser which branch is real.
# usage: parser-conditions.sh <install-dir> <output-file> <header>...
set -euo pipefail
install=$1; out=$2; shift 2
cxx=${CXX:-g++}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 1. conditions, one per line: continuation lines joined, comments removed
for h in "$@"; do
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$install/include/$h" \
  | sed -e 's#/\*.*\*/##g' -e 's#//.*$##' \
  | sed -nE 's/^[[:space:]]*#[[:space:]]*(if|elif)[[:space:]]+(.*[^[:space:]])[[:space:]]*$/if\t\2/p;
            s/^[[:space:]]*#[[:space:]]*(ifdef|ifndef)[[:space:]]+([A-Za-z_0-9]+).*$/def\t\2/p'
done | sort -u > "$tmp/conds"

# 2. names the headers #define themselves: a bare-name Info would change how the Parser maps them
cat "${@/#/$install/include/}" | sed -nE 's/^[[:space:]]*#[[:space:]]*define[[:space:]]+([A-Za-z_0-9]+).*/\1/p' | sort -u > "$tmp/own"

# 3. one probe per condition, preprocessed after the whole of libwebsockets.h, as the JNI code sees it
{
  echo '#define NDEBUG'
  echo '#include <libwebsockets.h>'
  n=0
  while IFS=$'\t' read -r kind cond; do
    n=$((n + 1))
    if [ "$kind" = def ]; then
      grep -qx "$cond" "$tmp/own" && continue
      printf '#if defined(%s)\nLWSJ_COND %d 1\n#else\nLWSJ_COND %d 0\n#endif\n' "$cond" $n $n
    else
      printf '#if %s\nLWSJ_COND %d 1\n#else\nLWSJ_COND %d 0\n#endif\n' "$cond" $n $n
    fi
  done < "$tmp/conds"
} > "$tmp/probe.cpp"
"$cxx" -E -x c++ -I"$install/include" "$tmp/probe.cpp" 2>"$tmp/err" | sed -nE 's/^LWSJ_COND ([0-9]+) ([01])$/\1\t\2/p' > "$tmp/values" \
  || { cat "$tmp/err" >&2; exit 1; }
awk -F'\t' 'NR == FNR { v[$1] = $2; next } (FNR in v) { print v[FNR] "\t" $2 }' "$tmp/values" "$tmp/conds" > "$out"
echo "parser-conditions: $(wc -l < "$out") conditions evaluated" >&2
