package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --loss NAME} with the CLI names of PML's angular, generalized lifted structure, intra-pair variance,
 * instance, normalized softmax, L-Softmax, SphereFace and sub-center ArcFace losses: each trains with a finite loss
 * and is evaluated.
 */
class PmlLossNamesTest {

    @TempDir
    static Path dir;
    private static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"angular", "generalized-lifted-structure", "intra-pair-variance", "instance",
            "normalized-softmax", "large-margin-softmax", "sphereface", "sub-center-arcface"})
    void trainsWithTheLoss(String loss) throws IOException {
        Path metrics = dir.resolve(loss + ".json");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--loss", loss,
                "--network", "mlp:32,8", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--seed", "3",
                "--metrics-out", metrics.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.err().contains("epoch 2/2") && !run.all().contains("NaN"), run.all());
        JsonNode json = new ObjectMapper().readTree(Files.readString(metrics));
        assertTrue(json.get("map_at_r").asDouble() > 0, json.toString());
    }
}
