package org.dml4j.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingLimitsTest {

    private static final long GIB = 1L << 30;

    @Test
    void theEstimateCountsTheDataThePairwiseMatricesAndTheBatchCopies() {
        // 4 bytes × (1000 × 10 + 8 × 100 × 100 + 4 × 100 × 10)
        assertEquals(4L * (10_000 + 80_000 + 4_000), TrainingLimits.estimateBytes(1000, 10, 100));
    }

    @Test
    void aBatchLargerThanTheDataOrTheMemoryIsRefusedWithWhatFits() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> TrainingLimits.check(256, 8, 4096, 8 * GIB));
        assertTrue(tooMany.getMessage().contains("larger than the 256 training examples")
                && tooMany.getMessage().contains("at most 256"), tooMany.getMessage());
        // Fashion-MNIST's 60,000 rows in one batch: 8 × 60,000² float32 matrices alone take 107 GiB.
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> TrainingLimits.check(60_000, 784, 60_000, 8 * GIB));
        assertTrue(tooBig.getMessage().contains("needs at least 108.16 GiB")
                && tooBig.getMessage().contains("8.00 GiB"), tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingLimits.check(256, 8, 0, 8 * GIB));
        assertDoesNotThrow(() -> TrainingLimits.check(60_000, 784, 256, 8 * GIB));
        assertTrue(TrainingLimits.availableBytes() > 0);
    }
}
