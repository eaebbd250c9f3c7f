package org.dml4j.conformance;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every public golden loss and miner case (PML 2.8.1, copied from the project's shared references), in float64 with
 * the reference's own tolerances and in float32 with 1e-4 relative.
 */
class GoldenConformanceTest {

    private static Path golden(String folder) throws URISyntaxException {
        return Path.of(GoldenConformanceTest.class.getResource("/golden/" + folder).toURI());
    }

    private static Stream<DynamicTest> cases(String folder, DataType precision) throws URISyntaxException {
        List<CaseResult> results = new ConformanceRunner(precision).run(List.of(golden(folder)));
        return results.stream().map(r -> DynamicTest.dynamicTest(r.id(),
                () -> assertTrue(r.passed(), r.toLine())));
    }

    @TestFactory
    Stream<DynamicTest> lossesFloat64() throws URISyntaxException {
        return cases("losses", DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> lossesFloat32() throws URISyntaxException {
        return cases("losses", DataType.FLOAT);
    }

    @TestFactory
    Stream<DynamicTest> minersFloat64() throws URISyntaxException {
        return cases("miners", DataType.DOUBLE);
    }

    @Test
    void everyPublicCaseIsFound() throws URISyntaxException, IOException {
        ConformanceRunner runner = new ConformanceRunner(DataType.DOUBLE);
        long lossFiles;
        try (Stream<Path> files = Files.list(golden("losses"))) {
            lossFiles = files.filter(f -> f.toString().endsWith(".json")).count();
        }
        assertTrue(lossFiles >= 150, "the 150 public loss cases and the generated ones");
        assertEquals(lossFiles, runner.run(List.of(golden("losses"))).size());
        assertEquals(63 + 175, runner.run(List.of(golden("miners"))).size());
    }
}
