package org.dml4j.experiments.sweep;

import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.train.ObservableTrainer;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs a sweep's trials on the training data, up to {@code parallel} at once (never more than the cores), in number
 * order, each in a thread of this JVM or in a child JVM ({@link TrialProcesses}), or as many at once as a
 * {@link TrialSite} (a Spark cluster) takes, with a {@link TrialPruner} on the shared stopping rule and, when tracked,
 * a {@link SweepTracker} record.
 */
public final class SweepRunner {

    private final Dataset<Label> train;
    private final String metric;
    private final StoppingRule rule;
    private final SweepTracker tracking;
    private final SweepProgress progress;
    private final String launcher;

    /** How a trial ended. */
    private record Ended(Trial.Status status, String message) {
    }

    /**
     * @param train    the training data (each trial holds out its validation fraction of it)
     * @param metric   the validation metric to maximize
     * @param rule     the stopping rule, or null
     * @param tracking where the trials are recorded, or null
     * @param progress where a line per finished trial goes, or null
     * @param launcher the main class a child JVM runs {@code train} with (its first argument)
     */
    public SweepRunner(Dataset<Label> train, String metric, StoppingRule rule, SweepTracker tracking,
                       SweepProgress progress, String launcher) {
        this.train = train;
        this.metric = metric;
        this.rule = rule;
        this.tracking = tracking;
        this.progress = progress;
        this.launcher = launcher;
    }

    /**
     * Runs the trials.
     *
     * @param trials    the trials, in order
     * @param parallel  how many to run at once
     * @param processes run each trial in a child JVM
     * @return the finished trials, in order
     */
    public List<Trial> run(List<Trial> trials, int parallel, boolean processes) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, Math.min(Math.min(parallel, cores), trials.size()));
        // in-process trials need no thread cap: each trains and embeds under NativeOpThreads.limit(1) in its own thread
        try (TrialProcesses children = processes ? new TrialProcesses(launcher, cores / threads) : null) {
            return run(trials, threads, trial -> runTrial(trial, children, null));
        }
    }

    /**
     * Runs the trials on a site, as many at once as it has slots, following each trial's curve while it trains so
     * the stopping rule stops it as it would stop a trial in this JVM.
     *
     * @param trials the trials, in order
     * @param site   where they run
     * @return the finished trials, in order
     */
    public List<Trial> run(List<Trial> trials, TrialSite site) {
        return run(trials, Math.max(1, Math.min(site.slots(), trials.size())), trial -> runTrial(trial, null, site));
    }

    private List<Trial> run(List<Trial> trials, int threads, Function<Trial, Trial> runOne) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Trial>> futures = new ArrayList<>();
            for (Trial trial : trials) {
                futures.add(pool.submit(() -> runOne.apply(trial)));
            }
            List<Trial> done = new ArrayList<>();
            for (Future<Trial> future : futures) {
                done.add(future.get());
            }
            return done;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Trial runTrial(Trial trial, TrialProcesses children, TrialSite site) {
        long start = System.nanoTime();
        TrialPruner pruner;
        Ended ended;
        try {
            if (site != null) {
                pruner = new TrialPruner(trial.number(), metric, rule);
                ended = onSite(trial, site, pruner);
            } else if (children == null) {
                pruner = new TrialPruner(trial.number(), metric, rule);
                ended = inThread(trial, pruner);
            } else {
                TrialProcesses.Child child = children.start(trial);
                pruner = new TrialPruner(trial.number(), metric, rule, child::stop);
                ended = inProcess(trial, child, pruner);
            }
        } finally {
            if (rule != null) {
                rule.ended(trial.number());
            }
        }
        pruner.requireKnownMetric();
        String message = ended.status() == Trial.Status.PRUNED && pruner.stoppedAt() > 0
                ? "stopped by " + rule.name() + " at epoch " + pruner.stoppedAt() : ended.message();
        Trial done = trial.finished(ended.status(), pruner.best(), pruner.epochs(), (System.nanoTime() - start) / 1e9,
                message);
        if (tracking != null) {
            tracking.trialEnded(done, pruner.started());
        }
        if (progress != null) {
            progress.finished(done);
        }
        return done;
    }

    private List<TrainingListener> listeners(Trial trial, TrialPruner pruner) {
        List<TrainingListener> listeners = new ArrayList<>(List.of(pruner));
        if (tracking != null) {
            listeners.add(tracking.trialStarted(trial));
        }
        return listeners;
    }

    private Ended inThread(Trial trial, TrialPruner pruner) {
        try {
            ObservableTrainer trainer = trial.args().trainer.buildForMode(train);
            List<TrainingListener> listeners = listeners(trial, pruner);
            listeners.forEach(trainer::addListener);
            trainer.train(train);
            if (!pruner.pruned()) {
                return new Ended(Trial.Status.COMPLETED, null);
            }
            // the trainer ended at the pruner's request; the trial's record says it was stopped, as a stopped
            // child process's does
            InterruptedException stopped = new InterruptedException("stopped by " + rule.name() + " at epoch "
                    + pruner.stoppedAt());
            listeners.forEach(l -> l.onRunFailure(stopped));
            return new Ended(Trial.Status.PRUNED, null);
        } catch (RuntimeException e) {
            return new Ended(Trial.Status.FAILED, e.getMessage());
        }
    }

    /** The replay of a trial's events, run elsewhere, into its pruner and tracking. */
    private TrainingEventLog.Replay replay(Trial trial, TrialPruner pruner) {
        return replay(trial, listeners(trial, pruner));
    }

    private TrainingEventLog.Replay replay(Trial trial, List<TrainingListener> listeners) {
        // the child or task checked the options before it logged its start, so building them here succeeds
        // it splits off its validation rows itself: the trial's input is the data it was given
        return new TrainingEventLog.Replay(data -> new RunStart("trial-" + trial.number(),
                trial.args().trainer.buildForMode(train).getProvenance(), train.getProvenance(), data,
                Map.of(RunStart.TRAIN, train)), listeners);
    }

    private Ended onSite(Trial trial, TrialSite site, TrialPruner pruner) {
        TrialTask.Result result;
        LiveCurve live = new LiveCurve(replay(trial, List.of(pruner)), pruner);
        try {
            result = site.run(new TrialTask(trial.number(), trial.args().base, trial.values(), metric), live);
        } catch (RuntimeException e) {
            return new Ended(Trial.Status.FAILED, e.getMessage()); // no result, so no run to record
        }
        // the tracking gets the events once, now; the pruner has had them (it skips the epochs it has seen)
        TrainingEventLog.Replay replay = replay(trial, pruner);
        try {
            for (String line : result.stopped() ? live.untilStop() : result.events()) {
                replay.line(line);
            }
        } catch (IOException e) {
            replay.failed(e);
            return new Ended(Trial.Status.FAILED, "unreadable training events: " + e.getMessage());
        }
        if (result.stopped()) {
            replay.failed(new InterruptedException("stopped by " + (rule == null ? "the sweep" : rule.name())
                    + " at epoch " + pruner.stoppedAt()));
            return new Ended(Trial.Status.PRUNED, null);
        }
        if (result.failure() != null) {
            replay.failed(new IllegalStateException(result.failure()));
            return new Ended(Trial.Status.FAILED, result.failure());
        }
        return new Ended(Trial.Status.COMPLETED, null);
    }

    private Ended inProcess(Trial trial, TrialProcesses.Child child, TrialPruner pruner) {
        TrainingEventLog.Replay replay = replay(trial, pruner);
        String failure = child.follow(replay);
        if (child.stopped()) {
            return new Ended(Trial.Status.PRUNED, null);
        }
        return failure == null ? new Ended(Trial.Status.COMPLETED, null) : new Ended(Trial.Status.FAILED, failure);
    }
}
