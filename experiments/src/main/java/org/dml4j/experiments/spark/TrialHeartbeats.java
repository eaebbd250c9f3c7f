package org.dml4j.experiments.spark;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The event lines of trials while their tasks run, as Spark's executor heartbeats bring them to the driver: each trial
 * task adds its lines to a collection accumulator of its own, and an executor's heartbeat carries the current value
 * of every accumulator of its running tasks ({@code spark.executor.heartbeatInterval}). Spark's public API has no
 * other way for a running task to talk to the driver; the lines are then at most one heartbeat late.
 */
final class TrialHeartbeats extends SparkListener {

    /** A task attempt's event lines so far. */
    record Beat(long taskId, List<String> events) {
    }

    private final Map<Long, BlockingQueue<Beat>> followed = new ConcurrentHashMap<>();

    /**
     * Starts collecting the heartbeats of an accumulator.
     *
     * @param accumulator the accumulator's id
     * @return where its beats arrive, in order
     */
    BlockingQueue<Beat> follow(long accumulator) {
        return followed.computeIfAbsent(accumulator, id -> new LinkedBlockingQueue<>());
    }

    /** @param accumulator an accumulator no longer followed */
    void unfollow(long accumulator) {
        followed.remove(accumulator);
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task
                : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
                BlockingQueue<Beat> beats = followed.get(info.id());
                if (beats != null && info.update().isDefined() && info.update().get() instanceof List<?> lines) {
                    beats.add(new Beat((Long) task._1(), lines.stream().map(String::valueOf).toList()));
                }
            }
        }
    }
}
