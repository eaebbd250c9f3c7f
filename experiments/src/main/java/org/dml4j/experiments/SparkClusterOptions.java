package org.dml4j.experiments;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every command that runs on Spark takes besides its own {@code --spark MASTER}: the Spark distribution the
 * cluster runs and how long to wait for the cluster.
 */
final class SparkClusterOptions {

    @Option(names = "--spark-home", paramLabel = "DIR", defaultValue = "${env:SPARK_HOME}", description = "With "
            + "--spark: the Spark distribution the cluster runs (default: $SPARK_HOME); its jars stay the executors' "
            + "own.")
    private Path home;

    @Option(names = "--spark-wait", paramLabel = "SECONDS", defaultValue = "60", description = "With --spark: how "
            + "long to wait for the master to answer and give the job its executors (default: ${DEFAULT-VALUE}).")
    private int waitSeconds;

    /** @return the distribution's folder, or null (under {@code spark-submit}) */
    Path home() {
        return home;
    }

    /** @return how long to wait for the master and the executors */
    Duration waitTime() {
        return Duration.ofSeconds(waitSeconds);
    }
}
