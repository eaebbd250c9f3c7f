package org.dml4j.conformance;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PML 2.8.1 cases of the regularizers (losses with embedding and weight regularizers) and reducers (class
 * weighted, multiple reducers) written by {@code experiments/bench/pml-golden-parts.py}, in float64 with the
 * reference's tolerances and in float32 with 1e-4 relative; the new miners run with the public miner files in
 * {@link GoldenConformanceTest}.
 */
class PmlPartsConformanceTest {

    private static Path golden(String folder) throws URISyntaxException {
        return Path.of(PmlPartsConformanceTest.class.getResource("/golden/" + folder).toURI());
    }

    private static Stream<DynamicTest> cases(String folder, DataType precision) throws URISyntaxException {
        List<CaseResult> results = new ConformanceRunner(precision).run(List.of(golden(folder)));
        return results.stream().map(r -> DynamicTest.dynamicTest(r.id(), () -> assertTrue(r.passed(), r.toLine())));
    }

    @TestFactory
    Stream<DynamicTest> regularizersFloat64() throws URISyntaxException {
        return cases("regularizers", DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> regularizersFloat32() throws URISyntaxException {
        return cases("regularizers", DataType.FLOAT);
    }

    @TestFactory
    Stream<DynamicTest> reducersFloat64() throws URISyntaxException {
        return cases("reducers", DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> reducersFloat32() throws URISyntaxException {
        return cases("reducers", DataType.FLOAT);
    }

    @TestFactory
    Stream<DynamicTest> newMinersFloat64() throws URISyntaxException {
        return new ConformanceRunner(DataType.DOUBLE).run(List.of(golden("miners"))).stream()
                .filter(r -> r.id().startsWith("parts_miners"))
                .map(r -> DynamicTest.dynamicTest(r.id(), () -> assertTrue(r.passed(), r.toLine())));
    }

    @Test
    void everyCaseIsFound() throws URISyntaxException {
        ConformanceRunner runner = new ConformanceRunner(DataType.DOUBLE);
        assertEquals(16, runner.run(List.of(golden("regularizers"))).size());
        assertEquals(10, runner.run(List.of(golden("reducers"))).size());
        assertEquals(5 * 35, runner.run(List.of(golden("miners"))).stream()
                .filter(r -> r.id().startsWith("parts_miners")).count());
    }
}
