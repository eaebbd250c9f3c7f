package org.dml4j.experiments.bench.jmh;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The settings every micro-benchmark inherits: average time per call in milliseconds, one forked JVM with the
 * heap and off-heap limits of the other benchmarks, and a short warm-up and measurement that
 * {@code experiments/bench/run-jmh.sh} (or JMH's own options) can override. The state is per benchmark: its inputs
 * are made once per fork, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G",
        "-Dorg.nd4j.log.initialization=false"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class JmhDefaults {
}
