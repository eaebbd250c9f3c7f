package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI names of the miners and regularizers added for PML parity (issue 21). */
class PmlPartsCliTest {

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void data() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    private static CliRun train(String... extra) {
        String[] base = {"train", "--dataset", "csv:" + csv, "--label-column", "species", "--network", "mlp:16,8",
            "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--seed", "1", "--metrics-out",
            dir.resolve("metrics.json").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void trainsWithANewMinerAndRegularizers() throws IOException {
        CliRun run = train("--loss", "arcface", "--miner", "batch-easy-hard", "--embedding-regularizer", "lp:0.1",
                "--weight-regularizer", "regular-face:0.5");
        assertEquals(0, run.exitCode(), run.all());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        assertTrue(json.get("precision_at_1").asDouble() > 0, json.toString());
        for (String miner : new String[]{"angular", "hdc", "uniform-histogram"}) {
            CliRun other = train("--loss", "contrastive", "--miner", miner);
            assertEquals(0, other.exitCode(), miner + ": " + other.all());
        }
    }

    @Test
    void badRegularizersAreUserErrors() {
        CliRun unknown = train("--loss", "triplet", "--embedding-regularizer", "l3");
        assertEquals(2, unknown.exitCode(), unknown.all());
        assertTrue(unknown.err().contains("Unknown regularizer 'l3'"), unknown.err());
        CliRun weight = train("--loss", "triplet", "--embedding-regularizer", "lp:x");
        assertEquals(2, weight.exitCode(), weight.all());
        assertTrue(weight.err().contains("finite number"), weight.err());
        CliRun noClassVectors = train("--loss", "triplet", "--weight-regularizer", "regular-face");
        assertEquals(2, noClassVectors.exitCode(), noClassVectors.all());
        assertTrue(noClassVectors.err().contains("class vectors"), noClassVectors.err());
    }
}
