package org.dml4j.experiments;

import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingInterruptedException;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a sweep's trials on the training data, up to {@code parallel} at once (never more than the cores), each with
 * a {@link TrialPruner} on the shared stopping rule and, when tracked, a nested MLflow run.
 */
final class SweepRunner {

    private final Dataset<Label> train;
    private final String metric;
    private final MedianStoppingRule rule;
    private final SweepTracking tracking;
    private final PrintWriter progress;
    private int finished;

    /**
     * @param train    the training data (each trial holds out its validation fraction of it)
     * @param metric   the validation metric to maximize
     * @param rule     the stopping rule, or null
     * @param tracking the MLflow runs, or null
     * @param progress where a line per finished trial goes, or null
     */
    SweepRunner(Dataset<Label> train, String metric, MedianStoppingRule rule, SweepTracking tracking,
                PrintWriter progress) {
        this.train = train;
        this.metric = metric;
        this.rule = rule;
        this.tracking = tracking;
        this.progress = progress;
    }

    /**
     * Runs the trials.
     *
     * @param trials   the trials, in order
     * @param parallel how many to run at once
     * @return the finished trials, in order
     */
    List<Trial> run(List<Trial> trials, int parallel) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, Math.min(Math.min(parallel, cores), trials.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Nd4jThreads ignored = threads > 1 ? Nd4jThreads.limit(cores / threads) : null) {
            List<Future<Trial>> futures = new ArrayList<>();
            for (Trial trial : trials) {
                futures.add(pool.submit(() -> runTrial(trial, trials.size())));
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

    private Trial runTrial(Trial trial, int total) {
        long start = System.nanoTime();
        TrialPruner pruner = new TrialPruner(trial.number(), metric, rule);
        Trial.Status status;
        String message = null;
        try {
            MetricLearningTrainer trainer = trial.options().build(train);
            trainer.addListener(pruner);
            if (tracking != null) {
                trainer.addListener(tracking.child(trial));
            }
            trainer.train(train);
            status = pruner.pruned() ? Trial.Status.PRUNED : Trial.Status.COMPLETED;
        } catch (TrainingInterruptedException e) {
            status = Trial.Status.PRUNED;
        } catch (RuntimeException e) {
            status = Trial.Status.FAILED;
            message = e.getMessage();
        } finally {
            Thread.interrupted(); // a trial stopped on its last epoch leaves the flag set
        }
        pruner.requireKnownMetric();
        Trial done = trial.finished(status, pruner.best(), pruner.epochs(), (System.nanoTime() - start) / 1e9,
                message);
        if (tracking != null) {
            tracking.trialEnded(done, pruner.started());
        }
        report(done, total);
        return done;
    }

    private synchronized void report(Trial trial, int total) {
        finished++;
        if (progress != null) {
            progress.printf("trial %d (%d/%d done) %s: %s, %s %.4f after %d epochs, %.1f s%s%n", trial.number(),
                    finished, total, trial.label(), trial.status().name().toLowerCase(java.util.Locale.ROOT), metric,
                    trial.objective(), trial.epochs(), trial.seconds(),
                    trial.message() == null ? "" : " (" + trial.message() + ")");
            progress.flush();
        }
    }
}
