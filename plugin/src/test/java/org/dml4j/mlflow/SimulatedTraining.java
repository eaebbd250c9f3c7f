package org.dml4j.mlflow;

import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.train.BatchEnd;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.util.Map;

/**
 * Drives a {@link TrainingListener} the way the trainer does, with deterministic losses, so that tests can compare
 * what the server stored with what was logged.
 */
final class SimulatedTraining {

    /** Batches per epoch. */
    static final int BATCHES = 5;

    private SimulatedTraining() {
    }

    /**
     * A run start with a real OLCUT provenance (a triplet loss) and dataset facts.
     *
     * @param name      the run name
     * @param extraInfo more dataset facts
     * @return the start
     */
    static RunStart start(String name, Map<String, String> extraInfo) {
        Map<String, String> info = new java.util.LinkedHashMap<>();
        info.put("name", "synthetic-blobs");
        info.put("train_size", "600");
        info.put("split", "0.8/0.2");
        info.putAll(extraInfo);
        return new RunStart(name, new TripletMarginLoss(0.2).getProvenance(), null, info);
    }

    /**
     * The loss of a global step.
     *
     * @param step the step
     * @return a deterministic loss
     */
    static double loss(long step) {
        return 1.0 / step + 0.001 * step;
    }

    /**
     * Runs epochs {@code from..to} (inclusive) of {@link #BATCHES} batches each.
     *
     * @param listener the listener
     * @param from     the first epoch, from 1
     * @param to       the last epoch
     */
    static void epochs(TrainingListener listener, int from, int to) {
        for (int epoch = from; epoch <= to; epoch++) {
            for (int batch = 0; batch < BATCHES; batch++) {
                long step = (long) (epoch - 1) * BATCHES + batch + 1;
                listener.onBatchEnd(new BatchEnd(epoch, batch, step, loss(step), 0.01, 100 + batch));
            }
            listener.onEpochEnd(new EpochEnd(epoch, (long) epoch * BATCHES, loss(epoch), 0.01 / epoch,
                    Map.of("recall_at_1", 0.5 + 0.01 * epoch, "map_at_r", 0.3 + 0.01 * epoch), 0.5));
        }
    }
}
