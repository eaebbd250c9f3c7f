package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ending a process-isolated sweep (SIGTERM, as Ctrl-C or a scheduler would) ends its trial JVMs too. */
class SweepShutdownTest {

    @TempDir
    Path dir;

    @Test
    void terminatingTheSweepKillsItsTrialProcesses() throws IOException, InterruptedException {
        Path csv = ClusterCsv.write(dir);
        Path sweep = dir.resolve("long.json");
        Files.writeString(sweep, """
                {"base": {"dataset": "csv:%s", "label-column": "species", "network": "mlp:16,4", "epochs": 100000,
                          "batch-size": 32, "m-per-class": 8, "validation-fraction": 0.25},
                 "space": {"lr": [0.001, 0.002]}, "parallel": 2, "isolation": "process"}
                """.formatted(csv));
        Process sweepJvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Dml4jCommand.class.getName(), "sweep",
                sweep.toString(), "--quiet").redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        List<ProcessHandle> trials = List.of();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (trials.size() < 2 && System.nanoTime() < deadline && sweepJvm.isAlive()) {
                Thread.sleep(200);
                // The trial JVMs are the sweep's child processes (their command lines are too long to match on).
                trials = sweepJvm.children().filter(p -> p.info().command().orElse("").endsWith("java")).toList();
            }
            assertEquals(2, trials.size(), "two trial JVMs running under the sweep: "
                    + Files.readString(dir.resolve("out.txt")));

            sweepJvm.destroy(); // SIGTERM: the sweep's shutdown hook runs
            assertTrue(sweepJvm.waitFor(60, TimeUnit.SECONDS), "the sweep ended");
            for (ProcessHandle trial : trials) {
                trial.onExit().get(30, TimeUnit.SECONDS);
                assertFalse(trial.isAlive(), "trial JVM " + trial.pid() + " outlived the sweep");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("a trial JVM outlived the sweep", e);
        } finally {
            trials.forEach(ProcessHandle::destroyForcibly); // orphans, if the sweep failed to end them
            sweepJvm.descendants().forEach(ProcessHandle::destroyForcibly);
            sweepJvm.destroyForcibly();
        }
    }
}
