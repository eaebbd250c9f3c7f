package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleTest {

    private static final double LR = 0.1;

    @Test
    void constant() {
        assertEquals(LR, new ConstantSchedule().learningRate(LR, 1000), 0);
    }

    @Test
    void step() {
        StepSchedule s = new StepSchedule(3, 0.5);
        assertEquals(0.1, s.learningRate(LR, 0), 1e-15);
        assertEquals(0.1, s.learningRate(LR, 2), 1e-15);
        assertEquals(0.05, s.learningRate(LR, 3), 1e-15);
        assertEquals(0.025, s.learningRate(LR, 7), 1e-15);
    }

    @Test
    void exponential() {
        ExponentialSchedule s = new ExponentialSchedule(0.9);
        assertEquals(0.1, s.learningRate(LR, 0), 1e-15);
        assertEquals(0.1 * 0.9 * 0.9 * 0.9, s.learningRate(LR, 3), 1e-15);
    }

    @Test
    void cosine() {
        CosineSchedule s = new CosineSchedule(10, 0.001);
        assertEquals(0.1, s.learningRate(LR, 0), 1e-15);
        assertEquals(0.001 + 0.099 / 2, s.learningRate(LR, 5), 1e-15);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 0.3)) / 2, s.learningRate(LR, 3), 1e-15);
        assertEquals(0.001, s.learningRate(LR, 10), 1e-15);
        assertEquals(0.001, s.learningRate(LR, 25), 1e-15);
    }

    @Test
    void warmupThenWrappedSchedule() {
        WarmupSchedule s = new WarmupSchedule(4, 0.2, new StepSchedule(2, 0.1));
        assertEquals(0.02, s.learningRate(LR, 0), 1e-15);
        assertEquals(0.1 * (0.2 + 0.8 * 2 / 4), s.learningRate(LR, 2), 1e-15);
        assertEquals(0.1, s.learningRate(LR, 4), 1e-15);
        assertEquals(0.1, s.learningRate(LR, 5), 1e-15);
        assertEquals(0.01, s.learningRate(LR, 6), 1e-15);
    }

    @Test
    void invalidValuesNameTheField() {
        assertEquals("stepSize", assertThrows(PropertyException.class, () -> new StepSchedule(0, 0.1))
                .getProperty());
        assertEquals("gamma", assertThrows(PropertyException.class, () -> new ExponentialSchedule(0)).getProperty());
        assertEquals("totalSteps", assertThrows(PropertyException.class, () -> new CosineSchedule(0, 0))
                .getProperty());
        assertEquals("startFactor", assertThrows(PropertyException.class,
                () -> new WarmupSchedule(3, 1.5, new ConstantSchedule())).getProperty());
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule().learningRate(LR, -1));
    }

    @Test
    void configurationRoundTripsThroughProvenance() {
        List<Provenancable<ConfiguredObjectProvenance>> objects = List.of(
                new WarmupSchedule(5, 0.1, new CosineSchedule(100, 1e-5)), new StepSchedule(3, 0.5),
                new ExponentialSchedule(0.95), new Adam(0.8, 0.99, 1e-7, 0.1), new AdamW(), new Sgd(0.9, true, 1e-4),
                new RmsProp(0.9, 1e-6, 0.5, true, 0.01));
        for (Provenancable<ConfiguredObjectProvenance> object : objects) {
            ConfiguredObjectProvenance provenance = object.getProvenance();
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(ProvenanceUtil.extractConfiguration(provenance));
            String name = ProvenanceUtil.computeName(provenance, 0);
            @SuppressWarnings("unchecked")
            Provenancable<ConfiguredObjectProvenance> rebuilt =
                    (Provenancable<ConfiguredObjectProvenance>) cm.lookup(name);
            assertEquals(provenance, rebuilt.getProvenance());
            assertEquals(object.toString(), rebuilt.toString());
        }
    }
}
