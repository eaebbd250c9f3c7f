package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 23 item 3: a diverging run or an out-of-range feature ends in one clear error and no model file. */
class DivergenceCliTest {

    private static CliRun train(Path csv, Path model, String lr) {
        return CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network", "mlp:32,8",
                "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--lr", lr, "--quiet", "--model-out",
                model.toString());
    }

    private static void assertOneClearError(CliRun run, Path model) {
        assertEquals(2, run.exitCode(), run.all());
        assertFalse(Files.exists(model), "no model is written");
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void aHugeLearningRateEndsInADivergenceError(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model.dml4j");
        CliRun run = train(ClusterCsv.write(dir), model, "1e30");
        assertOneClearError(run, model);
        assertTrue(run.err().contains("training diverged in epoch 1, batch ")
                && run.err().contains("learning rate 1.0E30 is too high"), run.err());
    }

    @Test
    void aFeatureBeyondFloat32EndsInAnError(@TempDir Path dir) throws IOException {
        Path csv = ClusterCsv.write(dir);
        List<String> lines = Files.readAllLines(csv);
        String row = lines.get(5);
        lines.set(5, "1e200" + row.substring(row.indexOf(',')));
        Files.write(csv, lines);
        Path model = dir.resolve("model.dml4j");
        CliRun run = train(csv, model, "0.001");
        assertOneClearError(run, model);
        assertTrue(run.err().contains("1.0E200") || run.err().contains("1e200"), run.err());
    }
}
