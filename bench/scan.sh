#!/usr/bin/env bash
# The background scan's cost (issue 17): N cached InferenceServices judged and turned into reports.
#   bench/scan.sh [objects, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -cp "$cp" dev.isvcpolicy.bench.ScanBenchmark "${1:-10000}"
