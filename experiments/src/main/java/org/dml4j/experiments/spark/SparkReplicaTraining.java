package org.dml4j.experiments.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.training.TrainingEventLog;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.train.BatchEnd;
import org.dml4j.train.MetricLearningTrainer;
import org.dml4j.train.TrainingListener;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Data-parallel training on a Spark cluster: one replica per task of a barrier stage (all tasks start together, one
 * per executor), each training the same {@code train} options on the broadcast data as one
 * {@link MetricLearningTrainer#trainReplica replica}, exchanging embeddings and gradients over TCP after a
 * rendezvous through the barrier ({@link SocketReplicas}). The first replica returns the model and its
 * training events, which the driver replays into its listeners (progress, MLflow), as a sweep does with a trial's;
 * every replica returns its timings. A failed stage (a lost executor) is retried whole by Spark, from the first step.
 */
public final class SparkReplicaTraining implements AutoCloseable {

    /** A barrier exchange waits at most this long for the other replicas (Spark's default is a year). */
    private static final String SYNC_TIMEOUT = "3600s";

    private final JavaSparkContext spark;
    private final String master;

    private SparkReplicaTraining(JavaSparkContext spark, String master) {
        this.spark = spark;
        this.master = master;
    }

    /**
     * What one replica measured.
     *
     * @param rank            its rank
     * @param steps           the steps it trained
     * @param seconds         its training time
     * @param exchangeSeconds the part of it spent in the exchanges (encoding, waiting for the others, decoding)
     * @param bytesSent       the bytes it sent
     */
    public record ReplicaTimes(int rank, long steps, double seconds, double exchangeSeconds, long bytesSent)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * A finished data-parallel run.
     *
     * @param model  the first replica's model (every replica's is the same)
     * @param events the first replica's {@link TrainingEventLog} lines
     * @param times  every replica's timings, by rank
     */
    public record Outcome(EmbeddingModel model, List<String> events, List<ReplicaTimes> times) {
    }

    /** One task's result: every replica's timings, the first's model and events. */
    private record TaskResult(ReplicaTimes times, byte[] model, List<String> events, String failure)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Connects to a cluster and waits until it gives the application an executor per replica (a barrier stage
     * needs all its tasks running at once). Each executor gets {@code spark.task.cpus} cores unless
     * {@code spark.executor.cores} is set, so that the replicas spread over executors.
     *
     * @param master    the master URL
     * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit}
     * @param appName   the application's name in the cluster's UI
     * @param replicas  how many replicas
     * @param wait      how long to wait for the master and for the executors
     * @return the connection, to close after training
     * @throws UserError when the master does not answer or gives fewer executors in time
     */
    public static SparkReplicaTraining connect(String master, Path sparkHome, String appName, int replicas,
                                               Duration wait) {
        SparkMaster.requireAnswers(master, wait);
        SparkConf conf = SparkMaster.configure(master, sparkHome, appName);
        conf.setIfMissing("spark.executor.cores", conf.get("spark.task.cpus", "1"));
        conf.setIfMissing("spark.barrier.sync.timeout", SYNC_TIMEOUT);
        JavaSparkContext spark = SparkMaster.start(conf, master, wait);
        try {
            SparkMaster.awaitExecutors(spark, master, replicas, wait);
            return new SparkReplicaTraining(spark, master);
        } catch (RuntimeException e) {
            spark.close();
            throw e;
        }
    }

    /**
     * Trains on the cluster.
     *
     * @param trainerArguments the {@code train} arguments (only the trainer options are read)
     * @param train            the training data
     * @param replicas         how many replicas, each one task
     * @return the model, the events and the timings
     * @throws IllegalStateException when Spark gives up on the stage or the replicas' training fails
     */
    public Outcome train(List<String> trainerArguments, Dataset<Label> train, int replicas) {
        Broadcast<Dataset<Label>> data = spark.broadcast(train);
        spark.setJobDescription("dml4j train on " + replicas + " replicas");
        List<TaskResult> results;
        try {
            ClassTag<TaskResult> tag = ClassTag$.MODULE$.apply(TaskResult.class);
            JavaRDD<TaskResult> stage = JavaRDD.fromRDD(spark.parallelize(IntStream.range(0, replicas).boxed()
                    .toList(), replicas).rdd().barrier().mapPartitions(new Replica(List.copyOf(trainerArguments),
                    data), false, tag), tag);
            results = new ArrayList<>(stage.collect());
        } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IllegalStateException("Spark gave up on the training stage on " + master + ": " + reason, e);
        } finally {
            data.destroy();
        }
        results.sort(Comparator.comparingInt(r -> r.times().rank()));
        TaskResult first = results.get(0);
        if (first.failure() != null) {
            throw new IllegalStateException("the replicas' training failed: " + first.failure());
        }
        try {
            EmbeddingModel model = (EmbeddingModel) Model.deserialize(ModelProto.parseFrom(first.model()));
            return new Outcome(model, first.events(), results.stream().map(TaskResult::times).toList());
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalStateException("the first replica's model does not load: " + e.getMessage(), e);
        }
    }

    /** Ends the application. */
    @Override
    public void close() {
        spark.close();
    }

    /** One replica's task: its partition's rank, the broadcast data, the trainer rebuilt from the arguments. */
    private static final class Replica extends AbstractFunction1<Iterator<Integer>, Iterator<TaskResult>>
            implements Serializable {

        private static final long serialVersionUID = 1L;
        private final List<String> arguments;
        private final Broadcast<Dataset<Label>> data;

        Replica(List<String> arguments, Broadcast<Dataset<Label>> data) {
            this.arguments = arguments;
            this.data = data;
        }

        @Override
        public Iterator<TaskResult> apply(Iterator<Integer> ranks) {
            try (SocketReplicas group = SocketReplicas.connect(BarrierTaskContext.get())) {
                return JavaConverters.asScalaIterator(List.of(train(group)).iterator());
            }
        }

        private TaskResult train(SocketReplicas group) {
            List<String> events = new ArrayList<>();
            long[] steps = {0};
            long start = System.nanoTime();
            byte[] model = null;
            String failure = null;
            try {
                MetricLearningTrainer trainer = ReplicaArgs.parse(arguments).build(data.value());
                trainer.addListener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(BatchEnd batch) {
                        steps[0]++;
                    }
                });
                if (group.rank() == 0) {
                    trainer.addListener(new TrainingEventLog(events::add));
                }
                EmbeddingModel trained = trainer.trainReplica(data.value(), group);
                model = group.rank() == 0 ? trained.serialize().toByteArray() : null;
            } catch (RuntimeException e) { // the same on every replica: they train the same global batches
                failure = String.valueOf(e.getMessage());
            }
            ReplicaTimes times = new ReplicaTimes(group.rank(), steps[0], (System.nanoTime() - start) / 1e9,
                    group.exchangeSeconds(), group.bytesSent());
            return new TaskResult(times, model, events, failure);
        }
    }
}
