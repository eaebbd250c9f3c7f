package org.dml4j.experiments.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.dml4j.experiments.io.UserError;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded checks of a Spark master: that it answers (before Spark's own minute of retries), and that it gives the
 * application an executor.
 */
final class SparkMaster {

    private static final long POLL_MILLIS = 200;

    private SparkMaster() {
    }

    /**
     * Connects an application to a cluster: checks that the master answers, starts the application (WARN logging;
     * native threads per task as {@code spark.task.cpus}; executors get DML4J's jars from this JVM's classpath when
     * {@code sparkHome} is given) and waits for its first executor.
     *
     * @param master    the master URL ({@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...}, {@code local[N]})
     * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit} (which ships the
     *                  jars itself)
     * @param appName   the application's name in the cluster's UI
     * @param wait      how long to wait for the master and for the first executor
     * @return the started application, with an executor
     * @throws UserError when the master does not answer or gives the application no executor in time
     */
    static JavaSparkContext connect(String master, Path sparkHome, String appName, Duration wait) {
        requireAnswers(master, wait);
        JavaSparkContext spark = start(configure(master, sparkHome, appName), master, wait);
        try {
            awaitExecutor(spark, master, wait);
            return spark;
        } catch (RuntimeException e) {
            spark.close();
            throw e;
        }
    }

    /**
     * Checks that a standalone master ({@code spark://HOST:PORT[,HOST:PORT...]}) accepts connections; other
     * masters (YARN, Kubernetes, local) are left to Spark.
     *
     * @param master the master URL
     * @param wait   how long to try each address
     * @throws UserError when the URL is malformed or no address answers
     */
    static void requireAnswers(String master, Duration wait) {
        if (!master.startsWith("spark://")) {
            return;
        }
        String failure = null;
        for (String address : master.substring("spark://".length()).split(",")) {
            URI uri = URI.create("spark://" + address);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new UserError("The Spark master URL '" + master + "' is not spark://HOST:PORT (e.g. "
                        + "spark://127.0.0.1:7077). Pass the URL the master's web UI shows to --spark.");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()),
                        (int) Math.min(Integer.MAX_VALUE, wait.toMillis()));
                return;
            } catch (IOException e) {
                failure = address + ": " + e.getMessage();
            }
        }
        throw new UserError("The Spark master " + master + " does not answer (" + failure + "). Start the master "
                + "(sbin/start-master.sh) or pass the URL its web UI shows to --spark.");
    }

    /**
     * The application's configuration: the master, the name, Spark's log level WARN (its INFO lines would bury the
     * job's progress), one OpenMP thread per task core, heartbeats every second, and with a distribution the
     * executors' extra classpath (see {@link ExecutorClasspath}); settings given as system properties
     * ({@code spark-submit --conf}) stay.
     *
     * @param master    the master URL
     * @param sparkHome the Spark distribution the workers run, or null under {@code spark-submit}
     * @param appName   the application's name in the cluster's UI
     * @return the configuration
     */
    static SparkConf configure(String master, Path sparkHome, String appName) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        conf.setIfMissing("spark.log.level", "WARN");
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
        // a running task's accumulators reach the driver with the executors' heartbeats (Spark's default is 10 s):
        // a sweep's stopping rule follows the trials' curves through them
        conf.setIfMissing("spark.executor.heartbeatInterval", "1s");
        if (sparkHome != null && !conf.contains("spark.jars")) {
            conf.set("spark.executor.extraClassPath", ExecutorClasspath.of(
                    Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)), sparkHome));
        }
        return conf;
    }

    /**
     * Starts the application, waiting at most {@code wait} for the master to register it: Spark's own constructor
     * waits a minute for a master that accepts connections but does not answer. A start that ends later is closed.
     *
     * @param conf   the application's configuration
     * @param master the master URL
     * @param wait   how long
     * @return the started application
     * @throws UserError when the master does not register it in time, or Spark cannot start it
     */
    static JavaSparkContext start(SparkConf conf, String master, Duration wait) {
        CompletableFuture<JavaSparkContext> starting = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                starting.complete(new JavaSparkContext(conf));
            } catch (RuntimeException | Error e) {
                starting.completeExceptionally(e);
            }
        }, "dml4j-spark-start");
        starter.setDaemon(true);
        starter.start();
        try {
            return starting.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            starting.thenAccept(JavaSparkContext::close);
            throw new UserError("The Spark master " + master + " did not register this application within "
                    + wait.toSeconds() + " s: it accepts connections but does not answer as a Spark master. Pass "
                    + "the URL its web UI shows to --spark, or a longer --spark-wait.", e);
        } catch (ExecutionException e) {
            String reason = String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse("");
            throw new UserError("Spark could not start the application on " + master + ": " + reason + ". Check "
                    + "--spark and that this Spark (SPARK_HOME) is the cluster's version.", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            starting.thenAccept(JavaSparkContext::close);
            throw new UserError("Interrupted while starting the application on the Spark master " + master + ".", e);
        }
    }

    /**
     * Waits for the application's first executor.
     *
     * @param spark  the application
     * @param master the master URL
     * @param wait   how long
     * @throws UserError when none registers in time (no worker with free cores and memory, or the master gave up)
     */
    static void awaitExecutor(JavaSparkContext spark, String master, Duration wait) {
        awaitExecutors(spark, master, 1, wait);
    }

    /**
     * Waits for the application's first {@code count} executors.
     *
     * @param spark  the application
     * @param master the master URL
     * @param count  how many executors
     * @param wait   how long
     * @throws UserError when fewer register in time (no worker with free cores and memory, or the master gave up)
     */
    static void awaitExecutors(JavaSparkContext spark, String master, int count, Duration wait) {
        if (master.startsWith("local")) {
            return; // the driver runs the tasks
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (spark.sc().statusTracker().getExecutorInfos().length < count + 1) { // the driver is one
            if (spark.sc().isStopped() || System.nanoTime() > deadline) {
                int got = spark.sc().statusTracker().getExecutorInfos().length - 1;
                throw new UserError("The Spark master " + master + " gave this application "
                        + (got <= 0 ? "no executor" : got + " of the " + count + " executors it needs") + " within "
                        + wait.toSeconds() + " s: its workers have no free cores or not the memory asked "
                        + "(spark.executor.memory, default 1g), or it is not a Spark master. Check the master's web "
                        + "UI.");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("Interrupted while waiting for the Spark master " + master + ".", e);
            }
        }
    }
}
