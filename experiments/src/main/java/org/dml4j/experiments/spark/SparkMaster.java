package org.dml4j.experiments.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.dml4j.experiments.io.UserError;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * Bounded checks of a Spark master: that it answers (before Spark's own minute of retries), and that it gives the
 * application an executor.
 */
final class SparkMaster {

    private static final long POLL_MILLIS = 200;

    private SparkMaster() {
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
     * Waits for the application's first executor.
     *
     * @param spark  the application
     * @param master the master URL
     * @param wait   how long
     * @throws UserError when none registers in time (no worker with free cores and memory, or the master gave up)
     */
    static void awaitExecutor(JavaSparkContext spark, String master, Duration wait) {
        if (master.startsWith("local")) {
            return; // the driver runs the tasks
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (spark.sc().statusTracker().getExecutorInfos().length < 2) { // the driver is one
            if (spark.sc().isStopped() || System.nanoTime() > deadline) {
                throw new UserError("The Spark master " + master + " gave this application no executor within "
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
