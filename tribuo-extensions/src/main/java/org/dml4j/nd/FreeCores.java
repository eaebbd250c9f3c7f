package org.dml4j.nd;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The cores other processes leave to this one, measured while it runs, and the thread count that the host passes of
 * {@link HostRanges} (the optimizers' updates) use. Measured only when the system property {@value #PROPERTY} is
 * {@code auto} ({@code DML4J_THREADS=auto} for {@code ./dml4j}); otherwise every core is used.
 * <p>
 * A parallel pass waits for its slowest range. When another process keeps a core busy, the thread that shares that
 * core runs at a fraction of its speed (BENCHMARKS.md, issue 24: the busy-core condition). So with {@code auto},
 * {@link #adapt()}, called by the trainer once a step, samples at most once a {@linkplain #SAMPLE_NANOS second} the
 * machine's busy time and this process's CPU time since the last sample; the cores the others used are the
 * difference, and the passes get the cores left, rounded to the nearest whole core, at least one. The passes are
 * element-wise, so the split never changes a result. Matrix products need no such measurement: their blocks go to
 * whichever thread is free ({@link MatrixProducts}). Where the JVM cannot tell the machine's load (no
 * {@code com.sun.management} bean) every core is used. The setting is process-wide: trainers running side by side in
 * one JVM see the same measurement and agree.
 */
public final class FreeCores {

    /** The system property that turns the adaptation on ({@code auto}). */
    public static final String PROPERTY = "dml4j.threads";

    /** The shortest time between two samples of the machine's load. */
    static final long SAMPLE_NANOS = 1_000_000_000L;

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final boolean AUTO = "auto".equalsIgnoreCase(System.getProperty(PROPERTY, ""));
    private static final Object LOCK = new Object();
    private static volatile int threads = CORES;
    private static long lastSample = Long.MIN_VALUE;

    private FreeCores() {
    }

    /**
     * The threads the step's parallel parts use now: the cores the last sample left free, or every core before the
     * first sample.
     *
     * @return at least 1, at most the available processors
     */
    public static int threads() {
        return threads;
    }

    /**
     * With {@value #PROPERTY}{@code =auto}: samples the machine's load when a second has passed since the last sample,
     * and sets {@link #threads()} to the cores it leaves free. Cheap
     * between samples (one clock read); does nothing without the property.
     */
    public static void adapt() {
        if (AUTO) {
            sample();
        }
    }

    /** The sampling of {@link #adapt()}, whatever the property says. */
    static void sample() {
        long now = System.nanoTime();
        synchronized (LOCK) {
            if (lastSample != Long.MIN_VALUE && now - lastSample < SAMPLE_NANOS) {
                return;
            }
            lastSample = now;
            int free = threadsFor(CORES, machineLoad(), processLoad());
            if (free != threads) {
                use(free);
            }
        }
    }

    /**
     * The threads to use on {@code cores} cores when the whole machine was busy {@code machineLoad} of the time and
     * this process {@code processLoad} (both fractions of all cores; negative: unknown).
     *
     * @param cores       the available processors
     * @param machineLoad the machine's busy fraction over the last interval, in [0, 1], or negative when unknown
     * @param processLoad this process's share over the same interval, in [0, 1], or negative when unknown
     * @return the cores the other processes left free, rounded, between 1 and {@code cores}
     */
    static int threadsFor(int cores, double machineLoad, double processLoad) {
        if (machineLoad < 0 || processLoad < 0) {
            return cores;
        }
        double others = Math.max(0, machineLoad - processLoad) * cores;
        return (int) Math.max(1, Math.min(cores, Math.round(cores - others)));
    }

    /** Sets the threads of the step's parallel host passes. */
    static void use(int count) {
        threads = count;
    }

    private static double machineLoad() {
        com.sun.management.OperatingSystemMXBean os = loadBean();
        return os == null ? -1 : os.getCpuLoad();
    }

    private static double processLoad() {
        com.sun.management.OperatingSystemMXBean os = loadBean();
        return os == null ? -1 : os.getProcessCpuLoad();
    }

    /** HotSpot's bean with the machine's and the process's CPU load, or null on a JVM without it. */
    private static com.sun.management.OperatingSystemMXBean loadBean() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean bean ? bean : null;
    }
}
