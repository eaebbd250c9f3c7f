package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** N-way K-shot episodic evaluation on hand-made embeddings whose accuracy is known. */
class FewShotEvaluatorTest {

    /** {@code perClass} points of each class within 0.1 (in each coordinate) of 10 times its unit vector. */
    private static Fixture separated(int classes, int perClass) {
        Random rng = new Random(3);
        double[][] rows = new double[classes * perClass][classes];
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = i % classes;
            for (int k = 0; k < classes; k++) {
                rows[i][k] = (k == labels[i] ? 10 : 0) + 0.1 * rng.nextDouble();
            }
        }
        return new Fixture(Nd4j.create(rows), labels);
    }

    private record Fixture(INDArray embeddings, int[] labels) {
    }

    @Test
    void wellSeparatedClassesAreAlwaysRight() {
        Fixture data = separated(8, 12);
        for (KnnDistance distance : KnnDistance.values()) {
            FewShotEvaluation result = new FewShotEvaluator(5, 1, 4, 1000, 1).evaluate(data.embeddings(),
                    data.labels(), distance);
            assertEquals(1.0, result.accuracy(), distance.toString());
            assertEquals(0.0, result.confidence95());
            assertEquals(1000, result.episodes());
        }
    }

    /**
     * Three classes in one dimension: A at 0 and B at 10 (four points each), C two points at 1 and two at 9. With
     * 2 shots and 2 queries, C's prototype is at 1, 5 or 9 and each of C's queries is then nearer A or B, while A's
     * and B's queries are always right: every episode's accuracy is exactly 4/6.
     */
    @Test
    void constructedCaseHasItsKnownAccuracyInEveryEpisode() {
        INDArray x = Nd4j.create(new double[][]{{0}, {0}, {0}, {0}, {10}, {10}, {10}, {10}, {1}, {1}, {9}, {9}});
        int[] labels = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        FewShotEvaluation result = new FewShotEvaluator(3, 2, 2, 1000, 5).evaluate(x, labels,
                KnnDistance.SQUARED_EUCLIDEAN);
        for (double a : result.accuracies()) {
            assertEquals(4.0 / 6, a, 1e-15);
        }
        assertEquals(4.0 / 6, result.accuracy(), 1e-12);
        assertEquals(0.0, result.confidence95(), 1e-12);
        assertEquals(Double.valueOf(4.0 / 6), result.summary().get("few_shot_3x2/accuracy"), 1e-12);
    }

    /**
     * Two classes: A two points at 0, B one point at 4 and one at 10; 1 shot, 1 query. When B's support is 10 its
     * query at 4 is nearer A's prototype (0): accuracy 1/2; when it is 4 the query at 10 is right: accuracy 1. Each
     * happens with probability 1/2, so the mean is 3/4 and the interval is {@code 1.96 · sd / √n} of those values.
     */
    @Test
    void meanAndIntervalOfARandomCase() {
        INDArray x = Nd4j.create(new double[][]{{0}, {0}, {4}, {10}});
        int[] labels = {0, 0, 1, 1};
        FewShotEvaluation result = new FewShotEvaluator(2, 1, 1, 2000, 9).evaluate(x, labels,
                KnnDistance.SQUARED_EUCLIDEAN);
        double[] a = result.accuracies();
        long halves = Arrays.stream(a).filter(v -> v == 0.5).count();
        assertEquals(a.length, halves + Arrays.stream(a).filter(v -> v == 1.0).count(), "only 1/2 and 1 occur");
        double mean = (halves * 0.5 + (a.length - halves)) / a.length;
        assertEquals(mean, result.accuracy(), 1e-12);
        double variance = (halves * (0.5 - mean) * (0.5 - mean) + (a.length - halves) * (1 - mean) * (1 - mean))
                / (a.length - 1);
        assertEquals(1.96 * Math.sqrt(variance / a.length), result.confidence95(), 1e-12);
        assertTrue(Math.abs(result.accuracy() - 0.75) < result.confidence95() * 1.5,
                result + " should cover 3/4");
        assertEquals(result.confidence95(), result.summary().get("few_shot_2x1/ci95"), 0.0);
    }

    @Test
    void sameSeedSameEpisodes() {
        Random rng = new Random(1);
        double[][] rows = new double[60][4];
        int[] labels = new int[60];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = i % 6;
            for (int k = 0; k < 4; k++) {
                rows[i][k] = labels[i] * 0.3 * (k + 1) + rng.nextGaussian();
            }
        }
        INDArray x = Nd4j.create(rows);
        double[] a = new FewShotEvaluator(5, 1, 3, 200, 42).evaluate(x, labels, KnnDistance.COSINE).accuracies();
        double[] b = new FewShotEvaluator(5, 1, 3, 200, 42).evaluate(x, labels, KnnDistance.COSINE).accuracies();
        double[] c = new FewShotEvaluator(5, 1, 3, 200, 43).evaluate(x, labels, KnnDistance.COSINE).accuracies();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed draws other episodes");
    }

    @Test
    void clearErrors() {
        Fixture data = separated(4, 5);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new FewShotEvaluator(3, 5, 1, 10, 0).evaluate(data.embeddings(), data.labels(),
                        KnnDistance.COSINE));
        assertTrue(small.getMessage().startsWith("class id 0 has 5 examples, fewer than the 6 (shot + queries)"),
                small.getMessage());
        IllegalArgumentException way = assertThrows(IllegalArgumentException.class,
                () -> new FewShotEvaluator(5, 1, 1, 10, 0).evaluate(data.embeddings(), data.labels(),
                        KnnDistance.COSINE));
        assertTrue(way.getMessage().contains("a 5-way episode needs 5 classes but the data has 4"),
                way.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluator(3, 1, 1, 10, 0)
                .evaluate(data.embeddings(), new int[3], KnnDistance.COSINE));
        INDArray broken = data.embeddings().dup();
        broken.putScalar(7, 1, Double.NaN);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new FewShotEvaluator(3, 1, 1, 10, 0).evaluate(broken, data.labels(), KnnDistance.COSINE));
        assertTrue(nan.getMessage().startsWith("embedding 7 is not finite"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluator(1, 1, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluator(5, 0, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluator(5, 1, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluator(5, 1, 1, 1, 0));
    }
}
