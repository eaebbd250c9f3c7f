package org.dml4j.experiments.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.dml4j.train.ReplicaGroup;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A benchmark (experiments/bench/run-spark-replicas.sh) of the two ways Spark offers replicas to meet every step:
 * the round trip of {@link BarrierTaskContext#allGather} inside one barrier stage ({@link BarrierReplicas}), that of
 * the TCP exchange after a barrier rendezvous ({@link SocketReplicas}, what training uses), and a Spark job per
 * exchange (tasks hand their blocks to the driver, which starts the next step's tasks), each with the same block of
 * floats per replica. Prints the median milliseconds of each.
 * <p>
 * Arguments: MASTER SPARK_HOME REPLICAS FLOATS ROUNDS.
 */
final class ExchangeLatency {

    private ExchangeLatency() {
    }

    /**
     * @param args the master, the distribution, the replicas, the floats per block, the rounds
     */
    public static void main(String[] args) {
        String master = args[0];
        int replicas = Integer.parseInt(args[2]);
        int floats = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        SparkConf conf = SparkMaster.configure(master, Path.of(args[1]), "dml4j exchange latency");
        conf.setIfMissing("spark.executor.cores", "1");
        try (JavaSparkContext spark = SparkMaster.start(conf, master, Duration.ofSeconds(60))) {
            SparkMaster.awaitExecutors(spark, master, replicas, Duration.ofSeconds(60));
            List<Integer> ranks = IntStream.range(0, replicas).boxed().toList();
            ClassTag<double[]> tag = ClassTag$.MODULE$.apply(double[].class);
            List<double[]> gathers = JavaRDD.fromRDD(spark.parallelize(ranks, replicas).rdd().barrier()
                    .mapPartitions(new Gathers(floats, rounds, false), false, tag), tag).collect();
            List<double[]> sockets = JavaRDD.fromRDD(spark.parallelize(ranks, replicas).rdd().barrier()
                    .mapPartitions(new Gathers(floats, rounds, true), false, tag), tag).collect();
            double[] jobs = new double[rounds];
            float[] block = new float[floats];
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                spark.parallelize(ranks, replicas).map(rank -> block).collect();
                jobs[r] = (System.nanoTime() - start) / 1e6;
            }
            System.out.printf("replicas %d, block %d floats: allGather in a barrier stage %.1f ms, TCP after a "
                    + "barrier rendezvous %.1f ms, a job per exchange %.1f ms (medians of %d)%n", replicas, floats,
                    median(gathers.get(0)), median(sockets.get(0)), median(jobs), rounds);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Times each of the stage's allGather rounds on one replica, in milliseconds. */
    private static final class Gathers extends AbstractFunction1<Iterator<Integer>, Iterator<double[]>>
            implements Serializable {

        private static final long serialVersionUID = 1L;
        private final int floats;
        private final int rounds;
        private final boolean tcp;

        Gathers(int floats, int rounds, boolean tcp) {
            this.floats = floats;
            this.rounds = rounds;
            this.tcp = tcp;
        }

        @Override
        public Iterator<double[]> apply(Iterator<Integer> ranks) {
            if (!tcp) {
                return JavaConverters.asScalaIterator(List.of(time(new BarrierReplicas(BarrierTaskContext.get())))
                        .iterator());
            }
            try (SocketReplicas group = SocketReplicas.connect(BarrierTaskContext.get())) {
                return JavaConverters.asScalaIterator(List.of(time(group)).iterator());
            }
        }

        private double[] time(ReplicaGroup group) {
            float[] block = new float[floats];
            double[] millis = new double[rounds];
            group.allGather(block); // the first waits for every task to start
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                group.allGather(block);
                millis[r] = (System.nanoTime() - start) / 1e6;
            }
            return millis;
        }
    }
}
