# The JVM as the image runs it, for the benchmarks (sourced by bench/run.sh, bench/ab.sh, bench/scale.sh,
# bench/profile.sh, bench/handler-time.sh, bench/floor.sh, bench/threads.sh, bench/tail.sh and bench/jmh.sh --paced
# and --rules): the options the base image's run-java.sh makes of Dockerfile.jvm's variables, then the -XX flags of
# its JAVA_OPTS_APPEND, and glibc's malloc arenas. JvmOptionsTest fails when this and Dockerfile.jvm disagree
# (docs/decisions.md, "JVM flags (issue 16)"). The benchmarks add -XX:MaxRAM=320m for the Deployment's limit.
image_jvm_opts="-XX:MaxRAMPercentage=40.0 -XX:+UseG1GC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:GCTimeRatio=12 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError -XX:MarkStackSize=262144 -XX:G1HeapRegionSize=2m -XX:+UseTransparentHugePages -XX:-UsePerfData"
image_malloc_arenas=2
