package org.dml4j.nd;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductWorkersTest {

    @Test
    void everyBlockRunsOnceOnTheCallerAndTheWorkers() {
        int blocks = 40;
        AtomicIntegerArray runs = new AtomicIntegerArray(blocks);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ProductWorkers.run(blocks, b -> {
            runs.incrementAndGet(b);
            threads.add(Thread.currentThread().getName());
            sleep(2);
        });
        for (int b = 0; b < blocks; b++) {
            assertEquals(1, runs.get(b), "block " + b);
        }
        assertTrue(threads.contains(Thread.currentThread().getName()), "the caller works too: " + threads);
        assertEquals(ProductWorkers.WORKERS + 1, threads.size(), "2 ms blocks: every worker claims some: " + threads);
    }

    @Test
    void aFailingBlockFailsTheProductAfterTheOthersRan() {
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        IllegalStateException failure = new IllegalStateException("block 3 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ProductWorkers.run(8, b -> {
            runs.incrementAndGet(b);
            if (b == 3) {
                throw failure;
            }
        }));
        assertSame(failure, thrown);
        for (int b = 0; b < 8; b++) {
            assertEquals(1, runs.get(b), "block " + b);
        }
        ProductWorkers.run(2, b -> runs.incrementAndGet(b)); // the workers are free again
        assertEquals(2, runs.get(0));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
