package org.dml4j.experiments.training;

import org.dml4j.experiments.io.UserError;
import org.dml4j.loss.ManifoldLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultipleLosses;
import org.dml4j.loss.P2SGradLoss;
import org.dml4j.loss.SignalToNoiseRatioContrastiveLoss;
import org.dml4j.loss.SmoothAPLoss;
import org.dml4j.loss.SoftTripleLoss;
import org.dml4j.loss.ThresholdConsistentMarginLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every documented loss name builds a loss, and a weighted sum of names builds PML's MultipleLosses. */
class ComponentsLossesTest {

    @Test
    void everyLossNameBuildsALoss() {
        for (String name : Components.LOSSES) {
            assertTrue(Components.loss(name, null, 10, 16) != null, name);
        }
        assertEquals(10, ((SoftTripleLoss) Components.loss("soft-triple", null, 10, 16)).numClasses());
        assertEquals(16, ((P2SGradLoss) Components.loss("p2s-grad", null, 10, 16)).embeddingSize());
        ManifoldLoss manifold = (ManifoldLoss) Components.loss("manifold", null, 10, 16);
        assertEquals(10, manifold.numClasses(), "one proxy per class");
        assertEquals(16, manifold.embeddingSize());
        assertInstanceOf(SmoothAPLoss.class, Components.loss("smooth-ap", null, 10, 16));
        assertInstanceOf(SignalToNoiseRatioContrastiveLoss.class, Components.loss("snr-contrastive", 0.7, 10, 16));
    }

    @Test
    void aWeightedSumOfNamesIsMultipleLosses() {
        MultipleLosses sum = (MultipleLosses) Components.loss("triplet + 0.5*threshold-consistent-margin", 0.3, 10,
                16);
        assertEquals(2, sum.losses().size());
        assertInstanceOf(TripletMarginLoss.class, sum.losses().get(0).loss());
        assertEquals(1.0, sum.losses().get(0).weight());
        assertInstanceOf(ThresholdConsistentMarginLoss.class, sum.losses().get(1).loss());
        assertEquals(0.5, sum.losses().get(1).weight());
        MetricLoss three = Components.loss("contrastive+2*n-pairs+0.1*soft-triple", null, 10, 16);
        assertEquals(3, ((MultipleLosses) three).losses().size());
    }

    @Test
    void badSumsAndVicregAreUserErrorsThatSayWhatToDo() {
        UserError weight = assertThrows(UserError.class, () -> Components.loss("triplet+x*nca", null, 10, 16));
        assertTrue(weight.getMessage().contains("'x' is not a finite number"), weight.getMessage());
        UserError empty = assertThrows(UserError.class, () -> Components.loss("triplet+", null, 10, 16));
        assertTrue(empty.getMessage().contains("empty term"), empty.getMessage());
        UserError unknown = assertThrows(UserError.class, () -> Components.loss("triplet+nope", null, 10, 16));
        assertTrue(unknown.getMessage().contains("Unknown loss 'nope'"), unknown.getMessage());
        UserError vicreg = assertThrows(UserError.class, () -> Components.loss("vicreg", null, 10, 16));
        assertTrue(vicreg.getMessage().contains("VICRegLoss"), vicreg.getMessage());
    }
}
