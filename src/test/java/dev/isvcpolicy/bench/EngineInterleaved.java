package dev.isvcpolicy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@link EngineBenchmark} methods measured interleaved: after a 20 s warm-up, rounds of 100 ms per method,
 * one method after the other, and each method's median (and quartiles) over the rounds. JMH measures one
 * benchmark after the other, so on a machine whose load changes while it runs (other builds) a burst of load
 * lands on one of them; interleaved, every method sees the same load and their ratios hold.
 * {@code bench/jmh.sh --interleaved [rounds]}.
 */
public final class EngineInterleaved {

    static volatile Object sink;

    private EngineInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        EngineBenchmark b = new EngineBenchmark();
        b.setup();
        Map<String, Callable<Object>> methods = new LinkedHashMap<>();
        methods.put("decodeEncodeOnly", b::decodeEncodeOnly);
        methods.put("decodeTreeOnly", b::decodeTreeOnly);
        methods.put("decodeOnly", b::decodeOnly);
        methods.put("mutate", b::mutate);
        methods.put("mutateInPlace", b::mutateInPlace);
        methods.put("mutateNothingToDo", b::mutateNothingToDo);
        methods.put("mutateNothingToDoInPlace", b::mutateNothingToDoInPlace);
        methods.put("validate", b::validate);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        methods.keySet().forEach(k -> times.put(k, new ArrayList<>()));
        long warmUpEnd = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            for (Callable<Object> c : methods.values()) {
                for (int i = 0; i < 2000; i++) {
                    sink = c.call();
                }
            }
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Callable<Object>> e : methods.entrySet()) {
                long start = System.nanoTime();
                int n = 0;
                while (System.nanoTime() - start < 100_000_000L) {
                    for (int i = 0; i < 50; i++) {
                        sink = e.getValue().call();
                    }
                    n += 50;
                }
                times.get(e.getKey()).add((System.nanoTime() - start) / 1000.0 / n);
            }
        }
        System.out.printf("%d rounds of 100 ms per method, interleaved; us per review%n", rounds);
        for (Map.Entry<String, List<Double>> e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            System.out.printf("%-26s median %6.2f  p25 %6.2f  p75 %6.2f%n", e.getKey(), v.get(v.size() / 2), v.get(v.size() / 4),
                    v.get(3 * v.size() / 4));
        }
    }
}
