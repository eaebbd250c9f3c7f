package org.dml4j.experiments.bench.jmh;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the micro-benchmarks from rotting: JMH runs every benchmark of every parameter combination in this JVM once
 * (its setup, then a single invocation, no warm-up), and any exception fails the test. Not a timing.
 */
class JmhBenchmarksTest {

    private static final List<Class<?>> BENCHMARKS =
            List.of(DistanceBench.class, MiningBench.class, LossBench.class, TopKBench.class, StepOpsBench.class,
                    CrossBatchBench.class);

    @Test
    void everyBenchmarkSetsUpAndRunsOnce() throws RunnerException {
        Options once = new OptionsBuilder()
                .include(DistanceBench.class.getPackageName().replace(".", "\\.") + "\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementBatchSize(1)
                .mode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        // JMH takes a machine-wide lock (/tmp/jmh.lock) against concurrent measurements; this run measures nothing,
        // so a benchmark measuring elsewhere on the machine must not fail it.
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = new Runner(once).run();

        Map<String, Long> ran = results.stream().collect(Collectors.groupingBy(
                r -> r.getParams().getBenchmark(), TreeMap::new, Collectors.counting()));
        assertEquals(expectedRuns(), ran, "benchmark runs per method (one per parameter combination)");
        for (RunResult result : results) {
            double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), result.getParams().getBenchmark() + " took " + score);
        }
    }

    /** Every {@code @Benchmark} method by name, with its class's number of {@code @Param} combinations. */
    private static Map<String, Long> expectedRuns() {
        Map<String, Long> expected = new TreeMap<>();
        for (Class<?> type : BENCHMARKS) {
            long combinations = 1;
            for (Field field : type.getDeclaredFields()) {
                Param param = field.getAnnotation(Param.class);
                if (param != null) {
                    combinations *= param.value().length;
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Benchmark.class)) {
                    expected.put(type.getName() + "." + method.getName(), combinations);
                }
            }
        }
        return expected;
    }
}
