#!/bin/sh
# LeakSanitizer over the native side: LeakRun (1000 connect/echo/close cycles on 10 clients, plus refused connects)
# in a JVM with gcc's liblsan preloaded. JVM allocations are suppressed (jvm.supp); what remains is reported.
# Objects that JavaCPP allocated and frees on GC (lws_client_connect_info, creation info, BytePointer, ...) still
# show up as "leaks": the JVM exits before their deallocators run and LSan cannot see the Java heap's pointers.
# Anything allocated by lws_* or lwsj_* frames would be a real native leak. Usage: lsan/run.sh (after mvn install)
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
cp=$(cd "$root/java/core" && mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
cp="$cp:$HOME/.m2/repository/io/github/lwsjava/lws-java/0.1.0-SNAPSHOT/lws-java-0.1.0-SNAPSHOT.jar"
javac -d "$work" -cp "$cp" "$here/LeakRun.java"
lsan=$(gcc -print-file-name=liblsan.so)
LD_PRELOAD="$lsan" LSAN_OPTIONS="suppressions=$here/jvm.supp:print_suppressions=0:fast_unwind_on_malloc=0:max_leaks=50" \
    java -XX:-UseCompressedOops -Xint -cp "$cp:$work" LeakRun 2>&1 | tee "$work/lsan.out" | grep -E "^done|SUMMARY" || true
echo "lws/lwsj frames in leak reports: $(grep -cE ' in (lws|lwsj|_lws|__lws)' "$work/lsan.out" || true)  (full report: $work/lsan.out)"
