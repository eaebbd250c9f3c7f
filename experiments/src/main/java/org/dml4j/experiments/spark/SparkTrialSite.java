package org.dml4j.experiments.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.sweep.TrialFollower;
import org.dml4j.experiments.sweep.TrialSite;
import org.dml4j.experiments.sweep.TrialTask;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A sweep's trials on a Spark cluster: each trial is a one-task job (submitted from the sweep's trial threads, so
 * the cluster runs as many at once as it has task slots), training on the sweep's data, broadcast once, with the
 * task's cores ({@code spark.task.cpus}) as its native thread budget. The task returns the trial's training events;
 * the driver creates the trial's nested MLflow run by replaying them, so a task that Spark retries (a lost executor)
 * never leaves a second run, and the executors need no access to the tracking server. While the task runs, its
 * events reach the driver with the executor's heartbeats ({@link TrialHeartbeats}), so the sweep's stopping rule
 * follows the curve and a stopped trial's job is cancelled.
 */
public final class SparkTrialSite implements TrialSite, AutoCloseable {

    /** How often a trial's thread looks for its heartbeats and whether its job ended. */
    private static final long POLL_MILLIS = 100;
    /** The attempt the final result is from: its lines are complete, whichever attempt they were. */
    private static final long FINISHED_ATTEMPT = -1;

    private final JavaSparkContext spark;
    private final Broadcast<Dataset<Label>> train;
    private final TrialHeartbeats heartbeats = new TrialHeartbeats();

    private SparkTrialSite(JavaSparkContext spark, Dataset<Label> train) {
        this.spark = spark;
        this.train = spark.broadcast(train);
        spark.sc().addSparkListener(heartbeats);
    }

    /**
     * Connects to a cluster and broadcasts the training data.
     *
     * @param master    the master URL ({@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...}, {@code local[N]})
     * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit} (which ships the
     *                  jars itself)
     * @param appName   the application's name in the cluster's UI
     * @param train     the training data
     * @param wait      how long to wait for the master and for the first executor
     * @return the site, to close when the sweep ends
     * @throws UserError when the master does not answer or gives the application no executor in time
     */
    public static SparkTrialSite connect(String master, Path sparkHome, String appName, Dataset<Label> train,
                                         Duration wait) {
        JavaSparkContext spark = SparkMaster.connect(master, sparkHome, appName, wait);
        try {
            return new SparkTrialSite(spark, train);
        } catch (RuntimeException e) {
            spark.close();
            throw e;
        }
    }

    /** @return the cluster's task slots: its executors' cores over the cores per task */
    @Override
    public int slots() {
        int cpus = Integer.parseInt(spark.getConf().get("spark.task.cpus", "1"));
        return Math.max(1, spark.sc().defaultParallelism() / cpus);
    }

    /**
     * @throws IllegalStateException when Spark gave up on the trial's task (its attempts failed, e.g. a class or
     *                               the memory missing on the executors), with Spark's reason
     */
    @Override
    public TrialTask.Result run(TrialTask task, TrialFollower follower) {
        Broadcast<Dataset<Label>> data = train; // the task captures the handles, not this site
        CollectionAccumulator<String> logged = spark.sc().collectionAccumulator("dml4j trial " + task.number());
        BlockingQueue<TrialHeartbeats.Beat> beats = heartbeats.follow(logged.id());
        spark.setJobDescription("trial " + task.number() + ": " + task.values());
        JavaFutureAction<List<TrialTask.Result>> job = spark.parallelize(List.of(task), 1)
                .map(t -> t.run(data.value(), TaskContext.get().cpus(), logged::add)).collectAsync();
        try {
            while (!job.isDone()) {
                TrialHeartbeats.Beat beat = beats.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (beat != null && follower.progress(beat.taskId(), beat.events())) {
                    job.cancel(true); // Spark kills the task; the trainer ends at the interrupt
                    return new TrialTask.Result(beat.events(), null, true);
                }
            }
            TrialTask.Result result = job.get().get(0);
            boolean stop = follower.progress(FINISHED_ATTEMPT, result.events());
            return stop ? new TrialTask.Result(result.events(), null, true) : result;
        } catch (ExecutionException e) {
            String reason = String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""); // no trace
            throw new IllegalStateException("Spark gave up on the trial: " + reason, e.getCause());
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        } finally {
            heartbeats.unfollow(logged.id());
        }
    }

    /** Ends the application (its executors end with it). */
    @Override
    public void close() {
        spark.close();
    }
}
