package org.dml4j.nd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreeCoresTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @AfterEach
    void everyCoreAgain() {
        FreeCores.use(CORES);
    }

    @Test
    void theCoresOtherProcessesUseAreLeftToThem() {
        assertEquals(2, FreeCores.threadsFor(2, 0.55, 0.5), "others used a tenth of a core: both cores");
        assertEquals(1, FreeCores.threadsFor(2, 1.0, 0.5), "a busy loop on one of two cores: one thread");
        assertEquals(1, FreeCores.threadsFor(2, 1.0, 0.1), "others used nearly both cores: still one thread");
        assertEquals(12, FreeCores.threadsFor(16, 0.5, 0.25), "others used 4 of 16 cores");
        assertEquals(16, FreeCores.threadsFor(16, 0.2, 0.3), "this process's share above the machine's (sampling)");
        assertEquals(8, FreeCores.threadsFor(8, -1, 0.5), "no machine load known: every core");
        assertEquals(8, FreeCores.threadsFor(8, 0.5, -1), "no process load known: every core");
    }

    @Test
    void settingTheThreadsLeavesBlasAlone() {
        int blas = Nd4j.factory().blas().getMaxThreads();
        FreeCores.use(1);
        assertEquals(1, FreeCores.threads());
        assertEquals(blas, Nd4j.factory().blas().getMaxThreads(), "products share their blocks out themselves");
        FreeCores.use(CORES);
        assertEquals(CORES, FreeCores.threads());
        assertEquals(blas, Nd4j.factory().blas().getMaxThreads());
    }

    @Test
    void aBusyProcessTakesItsCoreFromTheStep() throws Exception {
        Process busy = new ProcessBuilder("bash", "-c", "while :; do :; done").start();
        try {
            FreeCores.adapt();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(FreeCores.SAMPLE_NANOS) + 300);
            FreeCores.adapt();
            assertEquals(CORES, FreeCores.threads(), "without dml4j.threads=auto every core, whatever the load");
            FreeCores.sample(); // the first sample after the busy loop started (or one a second old)
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(FreeCores.SAMPLE_NANOS) + 300);
            FreeCores.sample();
            assertTrue(FreeCores.threads() <= Math.max(1, CORES - 1),
                    "a busy loop on one of " + CORES + " cores left " + FreeCores.threads() + " threads");
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }
}
