package org.dml4j.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The golden recorded-cluster checks live in {@link GoldenRetrievalTest}. */
class MutualInformationTest {

    @Test
    void identicalUpToRenamingScoresOne() {
        int[] a = {0, 0, 1, 1, 2, 2, 2};
        int[] b = {5, 5, 9, 9, 7, 7, 7};
        assertEquals(1.0, MutualInformation.nmi(a, b), 1e-12);
        assertEquals(1.0, MutualInformation.ami(a, b), 1e-12);
    }

    @Test
    void refinementHasKnownNmi() {
        // MI = ln 2, H(a) = ln 2, H(b) = 1.5 ln 2 -> NMI = 2 / 2.5
        assertEquals(0.8, MutualInformation.nmi(new int[]{0, 0, 1, 1}, new int[]{0, 0, 1, 2}), 1e-12);
        assertEquals(Math.log(2), MutualInformation.mutualInformation(new int[]{0, 0, 1, 1}, new int[]{0, 0, 1, 2}),
                1e-15);
    }

    @Test
    void sklearnLimitCases() {
        assertEquals(1.0, MutualInformation.nmi(new int[]{3, 3, 3}, new int[]{1, 1, 1}), 0.0);
        assertEquals(1.0, MutualInformation.ami(new int[]{3, 3, 3}, new int[]{1, 1, 1}), 0.0);
        assertEquals(0.0, MutualInformation.nmi(new int[]{0, 1, 2}, new int[]{1, 1, 1}), 0.0);
        assertEquals(0.0, MutualInformation.ami(new int[]{0, 1, 2}, new int[]{1, 1, 1}), 0.0);
    }

    @Test
    void independentLabelingsHaveAmiNearZero() {
        int[] a = new int[400];
        int[] b = new int[400];
        java.util.Random rng = new java.util.Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextInt(4);
            b[i] = rng.nextInt(5);
        }
        assertEquals(0.0, MutualInformation.ami(a, b), 0.02);
    }

    @Test
    void lengthMismatchIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> MutualInformation.nmi(new int[2], new int[3]));
    }
}
