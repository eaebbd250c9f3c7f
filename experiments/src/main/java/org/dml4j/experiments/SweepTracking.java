package org.dml4j.experiments;

import org.dml4j.experiments.sweep.StoppingRule;
import org.dml4j.experiments.sweep.SweepFile;
import org.dml4j.experiments.sweep.SweepTracker;
import org.dml4j.experiments.sweep.Trial;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.RunInfo;
import org.dml4j.mlflow.TrackerOptions;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.train.RunStart;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sweep in MLflow: a parent run with the sweep's settings and file, one nested run per trial (its searched values
 * as {@code trial.*} params, its curves, {@code sweep/objective}, its training mode as the tag {@code dml4j.mode}),
 * each child tagged with its trial number and state and the best one with {@value #BEST_TAG}, and the best trial
 * on the parent.
 */
final class SweepTracking implements SweepTracker {

    /** The tag of the best trial's run. */
    static final String BEST_TAG = "dml4j.sweep.best";
    /** The tag with a trial's state: completed, pruned or failed. */
    static final String STATE_TAG = "dml4j.sweep.state";
    /** The tag with a trial's number. */
    static final String TRIAL_TAG = "dml4j.sweep.trial";
    /** The tag with the rule that stopped a trial early: median or halving. */
    static final String STOPPED_BY_TAG = "dml4j.sweep.stopped_by";
    /** The tag with the epoch a trial was stopped at. */
    static final String STOPPED_AT_TAG = "dml4j.sweep.stopped_at_epoch";

    private final TrackingOptions.Tracking tracking;
    private final String ruleName;
    private final Map<Integer, MlflowTracker> children = new ConcurrentHashMap<>();
    private final Map<Integer, TrackingOutcome> ended = new ConcurrentHashMap<>();

    private SweepTracking(TrackingOptions.Tracking tracking, String ruleName) {
        this.tracking = tracking;
        this.ruleName = ruleName;
    }

    /**
     * Starts the parent run, or returns null when no tracking server is configured.
     *
     * @param options the tracking options
     * @param file    the sweep file (logged as an artifact)
     * @param sweep   its content
     * @param rule    the stopping rule, or null
     * @return the sweep's tracking, or null
     */
    static SweepTracking start(TrackingOptions options, Path file, SweepFile sweep, StoppingRule rule) {
        TrackingOptions.Tracking tracking = options.open("dml4j sweep " + file.getFileName());
        if (tracking == null) {
            return null;
        }
        MlflowTracker parent = tracking.tracker();
        parent.onRunStart(new RunStart("sweep-" + file.getFileName(), null, null, Map.of()));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("sweep.search", sweep.random() ? "random" : "grid");
        params.put("sweep.seed", String.valueOf(sweep.seed()));
        params.put("sweep.trials", String.valueOf(sweep.budget()));
        params.put("sweep.parallel", String.valueOf(sweep.parallel()));
        params.put("sweep.isolation", sweep.processes() ? "process" : "thread");
        params.put("sweep.metric", sweep.metric());
        params.put("sweep.early_stopping", String.valueOf(sweep.stopping()));
        params.put("sweep.space", String.join(",", sweep.space().parameters().keySet()));
        sweep.base().forEach((key, value) -> params.put("base." + key, value));
        parent.logParams(params);
        parent.logArtifact("sweep/" + file.getFileName(), file);
        return new SweepTracking(tracking, rule == null ? null : rule.name());
    }

    /**
     * A nested run for a trial, to add to its trainer.
     *
     * @param trial the trial
     * @return its tracker
     */
    @Override
    public MlflowTracker trialStarted(Trial trial) {
        TrackerOptions defaults = TrackerOptions.forExperiment(tracking.experiment());
        MlflowTracker child = tracking.tracker().childRun(defaults.withRunName("trial-" + trial.number())
                .withDescription(trial.label()).withSource(null, "dml4j")
                .withWaits(tracking.deliveryWait(), defaults.maxReconnectDelay()));
        children.put(trial.number(), child);
        return child;
    }

    /**
     * Logs a finished trial's values and objective and ends its run.
     *
     * @param trial   the finished trial
     * @param started whether its run was created (training started)
     */
    @Override
    public void trialEnded(Trial trial, boolean started) {
        MlflowTracker child = children.get(trial.number());
        if (child == null || !started) {
            children.remove(trial.number());
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        trial.values().forEach((key, value) -> params.put("trial." + key, value));
        child.logParams(params);
        child.logTags(Map.of(TrainCommand.MODE_TAG, trial.args().trainer.mode.cliName()));
        if (!Double.isNaN(trial.objective())) {
            child.logMetrics(Map.of("sweep/objective", trial.objective()), trial.epochs());
        }
        ended.put(trial.number(), child.finish());
    }

    /**
     * Tags the trials' runs, records the best trial on the parent, and ends the parent run.
     *
     * @param trials the finished trials
     * @param best   the best trial
     * @param metric the sweep's metric
     * @param err    where to report
     */
    void finish(List<Trial> trials, Trial best, String metric, PrintWriter err) {
        MlflowTracker parent = tracking.tracker();
        Optional<String> bestRun = Optional.empty();
        // Only the runs the server took; a trial not delivered means the server is unreachable or silent, and
        // tagging would hold the command in its timeouts.
        boolean delivered = trials.stream().map(t -> ended.get(t.number()))
                .allMatch(outcome -> outcome == null || outcome.delivered());
        try {
            for (Trial trial : delivered ? trials : List.<Trial>of()) {
                TrackingOutcome outcome = ended.get(trial.number());
                if (outcome == null || outcome.run() == null) {
                    continue;
                }
                RunInfo run = outcome.run();
                Map<String, String> tags = new LinkedHashMap<>();
                tags.put(TRIAL_TAG, String.valueOf(trial.number()));
                tags.put(STATE_TAG, trial.status().name().toLowerCase(java.util.Locale.ROOT));
                if (trial.status() == Trial.Status.PRUNED && ruleName != null) {
                    tags.put(STOPPED_BY_TAG, ruleName);
                    tags.put(STOPPED_AT_TAG, String.valueOf(trial.epochs()));
                }
                if (trial == best) {
                    tags.put(BEST_TAG, "true");
                    bestRun = Optional.of(run.runId());
                }
                tracking.client().logBatch(run.runId(), List.of(), Map.of(), tags);
            }
        } catch (RuntimeException unreachable) {
            delivered = false;
        }
        if (!delivered) {
            err.println("Could not tag the trials' MLflow runs: the server did not take them all; their data is "
                    + "spooled: run dml4j sync when the server is back.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("sweep.best_trial", String.valueOf(best.number()));
        bestRun.ifPresent(id -> params.put("sweep.best_run_id", id));
        parent.logParams(params);
        parent.logMetrics(Map.of("best/" + metric, best.objective()), best.number());
        TrackingOutcome outcome = parent.finish();
        err.println(outcome.message());
        tracking.runUrl(outcome).ifPresent(url -> err.println("MLflow sweep run: " + url));
        err.flush();
    }
}
