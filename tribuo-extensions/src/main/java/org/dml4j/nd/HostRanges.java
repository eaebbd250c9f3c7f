package org.dml4j.nd;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Splits a loop over the values of host buffers into contiguous ranges run in parallel: the calling thread and the
 * common fork-join pool, one range per core ({@link FreeCores#threads()}), each at least {@value #MIN_RANGE} values
 * (below that the hand-off costs more than the second core gives). For element-wise passes in Java over parameters
 * and gradients, such as the optimizers' updates, whose ranges touch disjoint values.
 */
public final class HostRanges {

    /** The fewest values a range gets: about 0.1 ms of an optimizer's pass. */
    public static final int MIN_RANGE = 1 << 15;

    /** One contiguous range of a pass. */
    @FunctionalInterface
    public interface Range {
        /**
         * Runs the pass over values {@code [from, to)}.
         *
         * @param from the first value
         * @param to   one past the last value
         */
        void run(int from, int to);
    }

    private HostRanges() {
    }

    /**
     * Runs a pass over {@code [0, length)} as contiguous ranges, in parallel when the length allows more than one.
     *
     * @param length the values
     * @param pass   the pass over one range; called from several threads at once for disjoint ranges
     */
    public static void forEach(int length, Range pass) {
        int cores = Math.min(FreeCores.threads(), ForkJoinPool.getCommonPoolParallelism() + 1);
        int parts = Math.max(1, Math.min(cores, length / MIN_RANGE));
        if (parts == 1) {
            pass.run(0, length);
            return;
        }
        int size = (length + parts - 1) / parts;
        IntStream.range(0, parts).parallel().forEach(p -> pass.run(p * size, Math.min(length, (p + 1) * size)));
    }
}
