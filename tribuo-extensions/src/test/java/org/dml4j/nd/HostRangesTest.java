package org.dml4j.nd;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostRangesTest {

    /** Runs a pass and returns how often each value was visited, failing on an empty or reversed range. */
    private static AtomicIntegerArray visits(int length, List<int[]> ranges) {
        AtomicIntegerArray visits = new AtomicIntegerArray(length);
        HostRanges.forEach(length, (from, to) -> {
            assertTrue(from < to || length == 0, "range [" + from + ", " + to + ")");
            synchronized (ranges) {
                ranges.add(new int[]{from, to});
            }
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        });
        return visits;
    }

    @Test
    void everyValueIsVisitedExactlyOnce() {
        for (int length : new int[]{0, 1, HostRanges.MIN_RANGE - 1, 2 * HostRanges.MIN_RANGE,
                3 * HostRanges.MIN_RANGE + 5}) {
            AtomicIntegerArray visits = visits(length, new ArrayList<>());
            for (int i = 0; i < length; i++) {
                assertEquals(1, visits.get(i), "length " + length + ", value " + i);
            }
        }
    }

    @Test
    void shortPassesRunAsOneRangeAndLongOnesSplitPerCoreIntoRangesOfTheMinimumOrMore() {
        List<int[]> one = new ArrayList<>();
        visits(2 * HostRanges.MIN_RANGE - 1, one);
        assertEquals(1, one.size());
        List<int[]> split = new ArrayList<>();
        visits(10 * HostRanges.MIN_RANGE, split);
        int cores = Math.min(FreeCores.threads(), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
        assertEquals(Math.min(cores, 10), split.size());
        for (int[] range : split) {
            assertTrue(range[1] - range[0] >= HostRanges.MIN_RANGE, range[0] + ".." + range[1]);
        }
    }

    @Test
    void aPassKeepsToTheCoresOtherProcessesLeaveFree() {
        int before = FreeCores.threads();
        try {
            FreeCores.use(1);
            List<int[]> ranges = new ArrayList<>();
            AtomicIntegerArray visits = visits(10 * HostRanges.MIN_RANGE, ranges);
            assertEquals(1, ranges.size(), "one free core: one range");
            assertEquals(1, visits.get(10 * HostRanges.MIN_RANGE - 1));
        } finally {
            FreeCores.use(before);
        }
    }
}
