#!/usr/bin/env bash
# Checks that a built Linux JNI library runs where users deploy (docs/platforms.md, "What the Linux library needs"):
#   - it needs only glibc's own libraries (libc, libm, libdl, libpthread, librt, the dynamic loader): OpenSSL,
#     zlib and the C++ runtime are linked in statically;
#   - its newest GLIBC_* symbol version is no newer than the floor (LWSJ_GLIBC_FLOOR, default 2.35: what a
#     Debian 12 build host reaches; the goal of issue 18 is 2.31, which needs an older build root);
#   - it exports only the JNI and JavaCPP entry points, none of the OpenSSL, zlib or lws symbols inside it, so it
#     cannot clash with another OpenSSL in the same JVM (e.g. netty-tcnative).
# and that a Windows JNI library (jnilws.dll, cross-built with mingw-w64: scripts/cross-windows.sh)
#   - imports only DLLs that come with Windows (KERNEL32, WS2_32, msvcrt, ...): no OpenSSL, zlib, libgcc,
#     libstdc++ or libwinpthread DLLs, which are all linked in statically;
#   - exports only the JNI and JavaCPP entry points.
# Usage: scripts/check-native.sh [libjnilws.so|jnilws.dll ...]
#        (default: every presets/target/classes/.../{linux-*/libjnilws.so,windows-*/jnilws.dll})
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
floor=${LWSJ_GLIBC_FLOOR:-2.35}

libs=("$@")
if [ ${#libs[@]} -eq 0 ]; then
  for f in "$here"/presets/target/classes/io/github/lwsjava/lws/{linux-*/libjnilws.so,windows-*/jnilws.dll}; do
    [ -f "$f" ] && libs+=("$f")
  done
  [ ${#libs[@]} -gt 0 ] || { echo "check-native: no presets/target/classes/io/github/lwsjava/lws/linux-*/libjnilws.so (build presets first)" >&2; exit 1; }
fi

# Windows system DLLs a JNI library may import (the C runtime msvcrt/ucrt, Winsock, CryptoAPI, ...).
windows_dlls='^(kernel32|ntdll|user32|advapi32|ws2_32|crypt32|bcrypt|iphlpapi|userenv|psapi|shell32|ole32|gdi32|msvcrt|ucrtbase|api-ms-win-[a-z0-9-]+)\.dll$'
check_dll() {  # $1 file, $2 name to print
  local objdump=${OBJDUMP:-x86_64-w64-mingw32-objdump} imports exports bad_imports bad_exports
  command -v "$objdump" >/dev/null || { echo "check-native: $2: no $objdump (binutils-mingw-w64-x86-64)" >&2; return 1; }
  imports=$("$objdump" -p "$1" | sed -nE 's/^[[:space:]]*DLL Name: (.*)$/\1/p')
  # the export table lists "[ordinal] name" rows after "[Ordinal/Name Pointer] Table"
  exports=$("$objdump" -p "$1" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -nE 's/^[[:space:]]*\[[[:space:]]*[0-9]+\] (.*)$/\1/p')
  bad_imports=$(echo "$imports" | grep -viE "$windows_dlls" || true)
  bad_exports=$(echo "$exports" | grep -vE '^(Java_|JavaCPP_|JNI_On(Load|Unload))' || true)
  echo "check-native: $2: $(stat -c %s "$1") bytes; imports: $(echo $imports); $(echo "$exports" | grep -c .) exports"
  [ -z "$bad_imports" ] || { echo "check-native: $2 imports DLLs that Windows lacks: $(echo $bad_imports)" >&2; return 1; }
  [ -z "$bad_exports" ] || { echo "check-native: $2 exports $(echo "$bad_exports" | wc -l) symbols besides the JNI entry points, e.g. $(echo $bad_exports | cut -c1-200)" >&2; return 1; }
}

status=0
for lib in "${libs[@]}"; do
  [ -f "$lib" ] || { echo "check-native: $lib: no such file" >&2; status=1; continue; }
  name=${lib#"$here"/}
  case "$lib" in *.dll) check_dll "$lib" "$name" || status=1; continue ;; esac
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
