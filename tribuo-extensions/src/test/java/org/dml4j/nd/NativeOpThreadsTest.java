package org.dml4j.nd;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NativeOpThreadsTest {

    @Test
    void limitsTheCallingThreadUntilClosedAndNests() {
        int before = NativeOpThreads.current();
        try (NativeOpThreads outer = NativeOpThreads.limit(3)) {
            assertEquals(3, NativeOpThreads.current());
            try (NativeOpThreads inner = NativeOpThreads.limit(1)) {
                assertEquals(1, NativeOpThreads.current());
            }
            assertEquals(3, NativeOpThreads.current());
        }
        assertEquals(before, NativeOpThreads.current());
    }

    @Test
    void allLiftsAOneThreadLimitToNd4jsThreadCountUntilClosed() {
        int nd4jThreads = Nd4j.getEnvironment().maxThreads();
        try (NativeOpThreads step = NativeOpThreads.limit(1)) {
            try (NativeOpThreads op = NativeOpThreads.all()) {
                assertEquals(Math.max(1, nd4jThreads), NativeOpThreads.current());
            }
            assertEquals(1, NativeOpThreads.current());
        }
    }

    @Test
    void otherThreadsKeepTheirSetting() throws InterruptedException {
        AtomicInteger elsewhere = new AtomicInteger(-1);
        int fresh = currentOnANewThread(elsewhere);
        try (NativeOpThreads limit = NativeOpThreads.limit(fresh + 1)) {
            assertEquals(fresh, currentOnANewThread(elsewhere));
        }
    }

    private static int currentOnANewThread(AtomicInteger holder) throws InterruptedException {
        Thread t = new Thread(() -> holder.set(NativeOpThreads.current()));
        t.start();
        t.join();
        return holder.get();
    }

    @Test
    void rejectsFewerThanOneThread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeOpThreads.limit(0));
        assertEquals("threads must be at least 1, found 0", e.getMessage());
    }
}
