package org.dml4j.experiments.sweep;

import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.train.ObservableTrainer;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One trial trained where a {@link TrialSite} runs it (a Spark executor): its {@code train} options parsed from the
 * sweep file's base and its values, trained on the given data with no tracking and no stopping rule (the sweep
 * follows its events and stops it), its training
 * events kept as {@link TrainingEventLog} lines for the sweep to replay. Only what is serialisable travels: the trial
 * number and values in, the {@link Result} out.
 *
 * @param number the trial number
 * @param base   the sweep file's base options
 * @param values the trial's values
 * @param metric the sweep's validation metric (training ends early when the validation lacks it)
 */
public record TrialTask(int number, Map<String, String> base, Map<String, String> values, String metric)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * What a trial left: its training events and, when it failed, why.
     *
     * @param events  the {@link TrainingEventLog} lines, in order
     * @param failure the error message, null when it trained to its end or was stopped
     * @param stopped whether the sweep's stopping rule stopped it (its events are then those up to the stop)
     */
    public record Result(List<String> events, String failure, boolean stopped) implements Serializable {
        private static final long serialVersionUID = 2L;
    }

    /**
     * Trains the trial in this thread, handing each event line on as it is logged (to follow the trial's curve
     * while it trains).
     *
     * @param train   the training data (the trial holds out its validation fraction of it)
     * @param threads the native (OpenMP) threads the trial's ops may use
     * @param logged  gets each event line as it is logged
     * @return its events and outcome
     */
    public Result run(Dataset<Label> train, int threads, Consumer<String> logged) {
        List<String> events = new ArrayList<>();
        try (NativeOpThreads limit = NativeOpThreads.limit(threads)) {
            ObservableTrainer trainer = TrialArgs.parse(base, values).trainer.buildForMode(train);
            trainer.addListener(new TrialPruner(number, metric, null));
            trainer.addListener(new TrainingEventLog(line -> {
                events.add(line);
                logged.accept(line);
            }));
            trainer.train(train);
            return new Result(events, null, false);
        } catch (RuntimeException e) {
            return new Result(events, String.valueOf(e.getMessage()), false);
        }
    }
}
