#!/usr/bin/env bash
# JMH benchmark of the engine alone (decode, rules, patch, encode) per typical review, with the
# decode+encode baseline in the same run.   bench/jmh.sh [extra JMH args, e.g. -f 2 -i 10]
# bench/jmh.sh --interleaved [rounds]: the same methods measured in turns of 100 ms (EngineInterleaved), for a
# machine whose load changes during the run; JAVA_OPTS adds JVM flags (e.g. -XX:TieredStopAtLevel=1).
# bench/jmh.sh --paced [reviews]: each stage of a review timed back to back and then one review every 20 ms
# (EnginePaced): what the stages cost at admission's pace, with their code and data gone cold; the JVM runs
# with the image's options (bench/jvm-options.sh), JAVA_OPTS after them (e.g. -DgapMicros=1000 -Dpause=spin: another
# time between reviews, spent spinning instead of asleep).
# bench/jmh.sh --rules [reviews]: /validate's decide stage split by step (the context, each validating rule, the
# findings listed), back to back and paced as --paced does (RulesPaced), in three JVMs one after another: where the
# JIT puts the code moves each step by a few µs between processes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -cp "$cp" dev.isvcpolicy.bench.EngineBenchmark
if [ "${1:-}" = --paced ]; then
  . bench/jvm-options.sh # as the image runs it: transparent huge pages halve a cold review (docs/performance.md)
  exec java -XX:MaxRAM=320m $image_jvm_opts ${JAVA_OPTS:-} -cp "$cp" dev.isvcpolicy.bench.EnginePaced ${2:-500}
fi
if [ "${1:-}" = --rules ]; then
  . bench/jvm-options.sh
  for _ in 1 2 3; do java -XX:MaxRAM=320m $image_jvm_opts ${JAVA_OPTS:-} -cp "$cp" dev.isvcpolicy.bench.RulesPaced ${2:-500}; done
  exit 0
fi
if [ "${1:-}" = --interleaved ]; then
  exec java ${JAVA_OPTS:-} -cp "$cp" dev.isvcpolicy.bench.EngineInterleaved ${2:-60}
fi
java -cp "$cp" org.openjdk.jmh.Main 'dev.isvcpolicy.bench.EngineBenchmark' ${@:--f 2 -wi 3 -w 2s -i 5 -r 2s} -rf text -rff target/jmh.txt
