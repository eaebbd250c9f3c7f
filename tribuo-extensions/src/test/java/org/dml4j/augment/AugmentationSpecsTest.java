package org.dml4j.augment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationSpecsTest {

    @Test
    void simclrIsTheFourStepsWithTheImageShape() {
        assertEquals("Compose([RandomResizedCrop(height=28, width=28, channels=1, minScale=0.2, maxScale=1.0, "
                + "minRatio=0.75, maxRatio=1.3333333333333333), RandomHorizontalFlip(height=28, width=28, channels=1, "
                + "probability=0.5), ColorJitter(height=28, width=28, channels=1, brightness=0.4, contrast=0.4, "
                + "saturation=0.4, hue=0.1, probability=0.8), GaussianBlur(height=28, width=28, channels=1, "
                + "kernelSize=3, minSigma=0.1, maxSigma=2.0, probability=0.5)])",
                AugmentationSpecs.parse("simclr", 28, 28, 1).toString());
    }

    @Test
    void stepsTakeTheirArgumentsOrDefaults() {
        assertEquals("Compose([RandomRotation(height=4, width=5, channels=3, minDegrees=-10.0, maxDegrees=10.0), "
                + "GaussianNoise(std=0.1)])", AugmentationSpecs.parse("rotation:10+noise", 4, 5, 3).toString());
        assertEquals("RandomCrop(height=8, width=8, channels=1, padding=2)",
                AugmentationSpecs.parse(" crop:2 ", 8, 8, 1).toString());
    }

    @Test
    void badSpecsNameTheStepAndTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AugmentationSpecs.parse("jitter", 8, 8, 1))
                .getMessage().contains("unknown augmentation 'jitter'; choose one of resized-crop"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AugmentationSpecs.parse("blur:4", 8, 8, 1))
                .getMessage().contains("kernelSize must be odd and >= 1, found 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AugmentationSpecs.parse("flip:x", 8, 8, 1))
                .getMessage().contains("'x' is not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AugmentationSpecs.parse("flip:1,2", 8, 8, 1))
                .getMessage().contains("at most 1 arguments"));
    }
}
