#!/usr/bin/env bash
# Checks that a built Linux JNI library runs where users deploy (docs/platforms.md, "What the Linux library needs"):
#   - it needs only glibc's own libraries (libc, libm, libdl, libpthread, librt, the dynamic loader): OpenSSL,
#     zlib and the C++ runtime are linked in statically;
#   - its newest GLIBC_* symbol version is no newer than the floor (LWSJ_GLIBC_FLOOR, default 2.35: what a
#     Debian 12 build host reaches; the goal of issue 18 is 2.31, which needs an older build root);
#   - it exports only the JNI and JavaCPP entry points, none of the OpenSSL, zlib or lws symbols inside it, so it
#     cannot clash with another OpenSSL in the same JVM (e.g. netty-tcnative).
# Usage: scripts/check-native.sh [libjnilws.so ...]   (default: every presets/target/classes/.../linux-*/libjnilws.so)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
floor=${LWSJ_GLIBC_FLOOR:-2.35}

libs=("$@")
if [ ${#libs[@]} -eq 0 ]; then
  for f in "$here"/presets/target/classes/io/github/lwsjava/lws/linux-*/libjnilws.so; do [ -f "$f" ] && libs+=("$f"); done
  [ ${#libs[@]} -gt 0 ] || { echo "check-native: no presets/target/classes/io/github/lwsjava/lws/linux-*/libjnilws.so (build presets first)" >&2; exit 1; }
fi

status=0
for lib in "${libs[@]}"; do
  [ -f "$lib" ] || { echo "check-native: $lib: no such file" >&2; status=1; continue; }
  name=${lib#"$here"/}
  needed=$(readelf -dW "$lib" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p')
  bad_needed=$(echo "$needed" | grep -vE '^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|ld-linux[-a-z0-9_.]*\.so\.[0-9]+)$' || true)
  newest=$(readelf -W --dyn-syms "$lib" | grep -oE '@GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/@GLIBC_//' | sort -uV | tail -1)
  newest_syms=$(readelf -W --dyn-syms "$lib" | awk -v v="@GLIBC_$newest" 'index($8, v) { sub(/@.*/, "", $8); print $8 }' | sort -u | xargs)
  exported=$(readelf -W --dyn-syms "$lib" | awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && $8 != "" { sub(/@.*/, "", $8); print $8 }')
  bad_exported=$(echo "$exported" | grep -vE '^(Java_|JavaCPP_|JNI_On(Load|Unload)|_ZN7JNIEnv_)' || true)

  echo "check-native: $name: $(stat -c %s "$lib") bytes; NEEDED: $(echo $needed); newest symbol version GLIBC_$newest ($newest_syms); floor GLIBC_$floor"
  if [ -n "$bad_needed" ]; then
    echo "check-native: $name needs libraries outside glibc: $(echo $bad_needed)" >&2; status=1
  fi
  if [ -n "$newest" ] && [ "$(printf '%s\n%s\n' "$newest" "$floor" | sort -V | tail -1)" != "$floor" ]; then
    echo "check-native: $name needs GLIBC_$newest, newer than the floor GLIBC_$floor" >&2; status=1
  fi
  if [ -n "$bad_exported" ]; then
    echo "check-native: $name exports $(echo "$bad_exported" | wc -l) symbols besides the JNI entry points, e.g. $(echo $bad_exported | cut -c1-200)" >&2; status=1
  fi
done
exit $status
