package org.dml4j.experiments;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ranking and histogram losses by their command-line names, and the miner they refuse. */
class RankingLossCommandTest {

    @TempDir
    static Path dir;
    static Path csv;

    @BeforeAll
    static void writeCsv() throws IOException {
        csv = ClusterCsv.write(dir);
    }

    private static CliRun train(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--dataset", "csv:" + csv, "--label-column",
                "species", "--network", "mlp:16,8", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8",
                "--quiet"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void everyRankingLossTrainsByItsName() {
        for (String loss : List.of("fast-ap", "histogram", "pnp", "ranked-list", "dynamic-soft-margin")) {
            CliRun run = train("--loss", loss);
            assertEquals(0, run.exitCode(), loss + ": " + run.all());
        }
        assertEquals(0, train("--loss", "ranked-list", "--margin", "0.3").exitCode());
        assertEquals(0, train("--loss", "fast-ap", "--miner", "multi-similarity").exitCode());
    }

    @Test
    void aMinerWithAWholeBatchLossIsAUserError() {
        CliRun run = train("--loss", "pnp", "--miner", "batch-hard");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("takes no mined tuples"), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }
}
