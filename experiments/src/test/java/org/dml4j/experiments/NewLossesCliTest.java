package org.dml4j.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train with PML's N-pairs, SoftTriple, P2SGrad, tuplet, manifold and Smooth-AP losses and a weighted sum of losses, end to end. */
class NewLossesCliTest {

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    private static CliRun train(String loss, Path metrics) {
        return CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss", loss,
                "--network", "mlp:32,8", "--epochs", "4", "--batch-size", "32", "--m-per-class", "8", "--lr", "0.003",
                "--seed", "1", "--quiet", "--metrics-out", metrics.toString());
    }

    @Test
    void theNewLossesAndAWeightedSumTrain() throws IOException {
        for (String loss : new String[]{"triplet+0.5*threshold-consistent-margin", "n-pairs", "soft-triple",
                "p2s-grad", "tuplet-margin", "snr-contrastive", "manifold", "smooth-ap"}) {
            Path metrics = dir.resolve(loss.replaceAll("[^a-z-]", "_") + ".json");
            CliRun run = train(loss, metrics);
            assertEquals(0, run.exitCode(), loss + ": " + run.all());
            double mapAtR = new ObjectMapper().readTree(metrics.toFile()).get("map_at_r").asDouble();
            assertTrue(mapAtR > 0.5, loss + " map_at_r " + mapAtR);
        }
    }

    @Test
    void vicregAndBadSumsAreOneLineUserErrors() {
        for (String loss : new String[]{"vicreg", "triplet+x*nca"}) {
            CliRun run = train(loss, dir.resolve("none.json"));
            assertEquals(2, run.exitCode(), run.all());
            assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        }
    }
}
