package org.dml4j.experiments.bench;

import org.bytedeco.javacpp.Pointer;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak memory over one benchmark phase: the JVM heap (sum of the heap pools' peak usage, an upper bound of the
 * true peak), and, sampled every few milliseconds by a daemon thread, the process resident set size
 * ({@link Pointer#physicalBytes()}: heap pages touched, ND4J's native buffers, natives, metaspace, thread
 * stacks) and the bytes JavaCPP itself tracks ({@link Pointer#totalBytes()}; ND4J 1.0.0-M2.1's CPU buffers
 * are not among them).
 */
final class PeakMemory implements AutoCloseable {
    private static final long SAMPLE_MILLIS = 5;

    private final Thread sampler;
    private final long gcCountBefore;
    private final long gcMillisBefore;
    private volatile boolean running = true;
    private volatile long peakPhysical;
    private volatile long peakOffHeap;
    private long heapPeak;
    private long gcCount;
    private long gcMillis;

    /** Resets the heap peaks and starts sampling. */
    PeakMemory() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        gcCountBefore = totalGc(true);
        gcMillisBefore = totalGc(false);
        sampler = new Thread(this::sample, "peak-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            record();
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void record() {
        peakPhysical = Math.max(peakPhysical, Pointer.physicalBytes());
        peakOffHeap = Math.max(peakOffHeap, Pointer.totalBytes());
    }

    private static long totalGc(boolean count) {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, count ? gc.getCollectionCount() : gc.getCollectionTime());
        }
        return sum;
    }

    /** Stops sampling and freezes the figures. */
    @Override
    public void close() {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        record();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        gcCount = totalGc(true) - gcCountBefore;
        gcMillis = totalGc(false) - gcMillisBefore;
    }

    /** One line of figures in MiB. */
    String describe() {
        return String.format("heap peak %,d MiB, RSS peak %,d MiB, JavaCPP-tracked peak %,d KiB, %d GCs (%d ms)",
                heapPeak >> 20, peakPhysical >> 20, peakOffHeap >> 10, gcCount, gcMillis);
    }
}
