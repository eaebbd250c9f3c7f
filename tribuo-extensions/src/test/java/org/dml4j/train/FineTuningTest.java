package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FineTuning}'s backbone learning-rate factor (the multiplier and its ramp after the head-only warm-up, step by
 * step) and its range checks.
 */
class FineTuningTest {

    @Test
    void theBackboneRateRampsUpLinearlyAfterTheWarmUp() {
        FineTuning ramp = new FineTuning(0.1, 2, 2, FineTuning.FeatureCache.NONE);
        // epoch 3 is the backbone's first: 4 batches each, the ramp spans epochs 3 and 4
        assertEquals(0.1 * 1 / 8, ramp.backboneFactor(3, 0, 4), 1e-15);
        assertEquals(0.1 * 4 / 8, ramp.backboneFactor(3, 3, 4), 1e-15);
        assertEquals(0.1 * 7 / 8, ramp.backboneFactor(4, 2, 4), 1e-15);
        assertEquals(0.1, ramp.backboneFactor(4, 3, 4), 1e-15);
        assertEquals(0.1, ramp.backboneFactor(9, 0, 4), 1e-15);
        assertEquals(0.5, new FineTuning(0.5, 0, 0, FineTuning.FeatureCache.NONE).backboneFactor(1, 0, 4));
    }

    @Test
    void outOfRangeSettingsNameTheirField() {
        PropertyException zero = assertThrows(PropertyException.class,
                () -> new FineTuning(0, 0, 0, FineTuning.FeatureCache.NONE));
        assertTrue(zero.getMessage().contains("backboneLearningRateMultiplier must be positive"), zero.getMessage());
        PropertyException negative = assertThrows(PropertyException.class,
                () -> new FineTuning(1, -1, 0, FineTuning.FeatureCache.NONE));
        assertTrue(negative.getMessage().contains("unfreezeAfterEpochs must be >= 0"), negative.getMessage());
        PropertyException ramp = assertThrows(PropertyException.class,
                () -> new FineTuning(1, 0, -2, FineTuning.FeatureCache.NONE));
        assertTrue(ramp.getMessage().contains("backboneWarmupEpochs must be >= 0"), ramp.getMessage());
    }
}
