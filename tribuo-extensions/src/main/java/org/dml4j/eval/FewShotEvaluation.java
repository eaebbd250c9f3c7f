package org.dml4j.eval;

import org.dml4j.index.KnnDistance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of an N-way K-shot episodic evaluation ({@link FewShotEvaluator}): the accuracy of each episode, their
 * mean and its 95% confidence interval as the few-shot literature reports it, {@code mean ± 1.96 · sd / √n} over the
 * {@code n} episodes ({@code sd} the sample standard deviation, divisor {@code n - 1}).
 */
public final class FewShotEvaluation {

    /** The normal quantile of a two-sided 95% interval. */
    public static final double Z_95 = 1.96;

    private final int way;
    private final int shot;
    private final int queries;
    private final KnnDistance distance;
    private final double[] accuracies;

    /**
     * @param way        the classes of an episode
     * @param shot       the support examples of each class
     * @param queries    the queries of each class
     * @param distance   the distance queries were matched to prototypes by
     * @param accuracies the accuracy of each episode, at least 2
     * @throws IllegalArgumentException with fewer than 2 episodes
     */
    public FewShotEvaluation(int way, int shot, int queries, KnnDistance distance, double[] accuracies) {
        if (accuracies.length < 2) {
            throw new IllegalArgumentException("a confidence interval needs at least 2 episodes, found "
                    + accuracies.length);
        }
        this.way = way;
        this.shot = shot;
        this.queries = queries;
        this.distance = distance;
        this.accuracies = accuracies.clone();
    }

    /** @return the classes of an episode (N) */
    public int way() {
        return way;
    }

    /** @return the support examples of each class (K) */
    public int shot() {
        return shot;
    }

    /** @return the queries of each class */
    public int queries() {
        return queries;
    }

    /** @return the distance queries were matched to prototypes by */
    public KnnDistance distance() {
        return distance;
    }

    /** @return the number of episodes */
    public int episodes() {
        return accuracies.length;
    }

    /** @return a copy of each episode's accuracy, in the order drawn */
    public double[] accuracies() {
        return accuracies.clone();
    }

    /** @return the mean accuracy over the episodes */
    public double accuracy() {
        double sum = 0;
        for (double a : accuracies) {
            sum += a;
        }
        return sum / accuracies.length;
    }

    /** @return the sample standard deviation of the episode accuracies */
    public double standardDeviation() {
        double mean = accuracy();
        double squares = 0;
        for (double a : accuracies) {
            squares += (a - mean) * (a - mean);
        }
        return Math.sqrt(squares / (accuracies.length - 1));
    }

    /** @return the half-width of the 95% confidence interval of the mean accuracy, {@code 1.96 · sd / √n} */
    public double confidence95() {
        return Z_95 * standardDeviation() / Math.sqrt(accuracies.length);
    }

    /** @return the setting's name, {@code N}x{@code K} (e.g. {@code 5x1}) */
    public String setting() {
        return way + "x" + shot;
    }

    /**
     * The mean accuracy and its interval under MLflow-safe names: {@code few_shot_NxK/accuracy} and
     * {@code few_shot_NxK/ci95} (the half-width).
     *
     * @return the two values by name
     */
    public Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("few_shot_" + setting() + "/accuracy", accuracy());
        out.put("few_shot_" + setting() + "/ci95", confidence95());
        return out;
    }

    @Override
    public String toString() {
        return String.format("%d-way %d-shot: %.4f ± %.4f (95%% CI, %d episodes, %d queries per class, %s)", way,
                shot, accuracy(), confidence95(), accuracies.length, queries, distance);
    }
}
