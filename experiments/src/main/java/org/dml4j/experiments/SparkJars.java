package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;

/** Spark is provided: the launcher puts the distribution's jars on the classpath when SPARK_HOME is set. */
final class SparkJars {

    private SparkJars() {
    }

    /** @throws UserError when Spark's jars are not on the classpath */
    static void require() {
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkJars.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new UserError("--spark needs Apache Spark 3.5's jars: set SPARK_HOME to the Spark "
                    + "distribution the cluster runs (./dml4j adds $SPARK_HOME/jars), or start dml4j with "
                    + "spark-submit.", e);
        }
    }
}
