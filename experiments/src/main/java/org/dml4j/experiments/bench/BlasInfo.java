package org.dml4j.experiments.bench;

import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads ND4J's backend and prints its name and the OpenBLAS libraries the process has mapped, for the benchmark
 * harness's header (no OpenBLAS class is named here, so that the CUDA build, which has none, compiles it too). The JavaCPP binding does not expose {@code openblas_get_corename}, so the harness asks each
 * printed library for the kernel family it runs on this CPU ({@code SkylakeX}, {@code Haswell}, ...;
 * {@code OPENBLAS_CORETYPE} overrides OpenBLAS's choice) with {@code peer_bench.py blas-info --library PATH}, beside
 * the peer's.
 */
public final class BlasInfo {

    private BlasInfo() {
    }

    /**
     * Prints the backend's name, then one line per mapped OpenBLAS library: its path (none on a backend without
     * OpenBLAS).
     *
     * @param args none
     * @throws IOException when {@code /proc/self/maps} cannot be read
     */
    public static void main(String[] args) throws IOException {
        Nd4j.create(2, 2).mmul(Nd4j.create(2, 2)); // ND4J loads and initialises its OpenBLAS
        System.out.println(Nd4j.getBackend().getClass().getSimpleName());
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.contains("libopenblas")).distinct().forEach(System.out::println);
        }
    }
}
