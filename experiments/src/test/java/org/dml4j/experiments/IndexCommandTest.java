package org.dml4j.experiments;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code index build} and {@code index search} on models trained by {@code train} on a generated CSV. */
class IndexCommandTest {

    @TempDir
    static Path dir;
    private static Path csv;
    private static Path model;
    private static Path otherModel;
    private static Path index;

    @BeforeAll
    static void train() throws IOException {
        csv = ClusterCsv.write(dir);
        model = dir.resolve("model.dml4j");
        otherModel = dir.resolve("other.dml4j");
        index = dir.resolve("model.hnsw");
        for (Path file : List.of(model, otherModel)) {
            CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                    "mlp:16,4", "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--seed",
                    file == model ? "3" : "4", "--quiet", "--model-out", file.toString());
            assertEquals(0, run.exitCode(), run.all());
        }
        CliRun build = CliRun.of("index", "build", "--model", model.toString(), "--out", index.toString(), "--m",
                "8", "--ef-search", "400");
        assertEquals(0, build.exitCode(), build.all());
        assertTrue(build.all().contains("HnswIndex(distance="), build.all());
    }

    private static CliRun search(Path modelFile, Path indexFile, String... more) {
        List<String> args = new ArrayList<>(List.of("index", "search", "--model", modelFile.toString(), "--index",
                indexFile.toString(), "--dataset", "csv:" + csv, "--label-column", "species", "--seed", "3"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void searchWritesNeighboursAndAWideBeamRecallsAll() throws IOException {
        Path out = dir.resolve("neighbours.tsv");
        CliRun run = search(model, index, "-k", "3", "--check-exact", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.all().contains("recall@3 against exact search: 1.0000"), run.all());
        List<String> lines = Files.readAllLines(out);
        assertEquals("query\trank\treference_row\treference_label\tdistance", lines.get(0));
        assertTrue(lines.size() > 3 && lines.get(1).startsWith("0\t1\t"), lines.toString());
        CliRun narrow = search(model, index, "--ef-search", "0");
        assertEquals(2, narrow.exitCode(), narrow.all());
        assertTrue(narrow.err().contains("searchBeam must be at least 1, found 0"), narrow.err());
    }

    @Test
    void exactIndexIsExact() {
        Path exact = dir.resolve("model.exact");
        assertEquals(0, CliRun.of("index", "build", "--model", model.toString(), "--out", exact.toString(),
                "--exact").exitCode());
        CliRun run = search(model, exact, "--check-exact");
        assertEquals(0, run.exitCode(), run.all());
        assertTrue(run.all().contains("recall@10 against exact search: 1.0000"), run.all());
    }

    @Test
    void indexOfAnotherModelOrADamagedOneIsRefused() throws IOException {
        CliRun other = search(otherModel, index);
        assertEquals(2, other.exitCode(), other.all());
        assertTrue(other.err().contains("was built for another model"), other.err());
        assertTrue(other.err().lines().count() == 1 && !other.err().contains("\tat "), other.err());

        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length - 100] ^= 1;
        Path damaged = Files.write(dir.resolve("damaged.hnsw"), bytes);
        CliRun corrupt = search(model, damaged);
        assertEquals(2, corrupt.exitCode(), corrupt.all());
        assertTrue(corrupt.err().contains("corrupt index file"), corrupt.err());

        CliRun missing = search(model, dir.resolve("missing.hnsw"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("Index file not found"), missing.err());

        CliRun badDegree = CliRun.of("index", "build", "--model", model.toString(), "--out",
                dir.resolve("x.hnsw").toString(), "--m", "1");
        assertEquals(2, badDegree.exitCode());
        assertTrue(badDegree.err().contains("maxDegree must be at least 2, found 1"), badDegree.err());
    }
}
