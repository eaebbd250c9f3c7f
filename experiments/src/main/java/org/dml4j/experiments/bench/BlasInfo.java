package org.dml4j.experiments.bench;

import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads ND4J's OpenBLAS and prints its version, for the benchmark harness's header. Started with
 * {@code OPENBLAS_VERBOSE=2}, OpenBLAS itself also prints the kernel family it chose for this CPU ({@code Core:
 * SkylakeX}; {@code OPENBLAS_CORETYPE} overrides the choice), which the harness records beside the peer's.
 */
public final class BlasInfo {

    private BlasInfo() {
    }

    /**
     * Prints one line.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Nd4j.create(2, 2).mmul(Nd4j.create(2, 2)); // ND4J loads and initialises its OpenBLAS
        System.out.println(openblas.OPENBLAS_VERSION.strip());
    }
}
