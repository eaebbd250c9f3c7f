package org.dml4j.nd;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products on ND4J's CPU backend computed as blocks of the output's columns (or rows), each block by one
 * single-threaded OpenBLAS {@code gemm} on the calling thread or a {@link ProductWorkers} thread, whichever claims it.
 * <p>
 * Why not OpenBLAS's own threads: they wait for each other inside a product by spinning on {@code sched_yield()},
 * several times per product. When any other thread is runnable on a core (the JIT compiler in a run's first epochs,
 * a collector, another process) the yield hands that core over for a whole scheduler tick while the thread on the
 * other core spins: on two cores the reference MLP's 9 ms training step took 20-45 ms several times per epoch, 0.1 to
 * 0.6 s an epoch (BENCHMARKS.md, issue 24, session 13). A block here runs to its end without waiting for anyone, and a
 * thread with nothing left parks, so a delayed worker costs its block, not a tick per synchronisation.
 * <p>
 * The blocks depend only on the product's shape and the machine's core count, never on which thread computes
 * which block or on the load, and each is an ordinary one-thread {@code gemm}: a seed gives the same model on the same
 * machine however busy it is. The split is along the larger output dimension (the other factor is packed again
 * for every block, so the smaller one is), in multiples of {@value #ALIGN}, into at most one block per core and no
 * block under {@value #MIN_BLOCK} columns (or rows); products below {@value #MIN_PARALLEL_WORK} multiply-adds are
 * one block. OpenBLAS is set to one thread once, when this class is first used.
 */
final class BlockedProducts {

    /** Products with fewer multiply-adds are one block: about 0.1 ms on one core, where a hand-off costs more. */
    static final long MIN_PARALLEL_WORK = 1L << 20;
    /** The narrowest block, in output columns or rows. */
    static final int MIN_BLOCK = 64;
    /** Block boundaries fall on multiples of this many columns or rows (whole register tiles of the kernels). */
    static final int ALIGN = 16;

    private static final boolean AVAILABLE = Nd4j.getEnvironment().isCPU()
            && Nd4j.factory().blas().getBlasVendor() == Blas.Vendor.OPENBLAS;

    private BlockedProducts() {
    }

    /**
     * Whether {@code op(a) · op(b)} can be computed here: on the CPU backend with OpenBLAS, two float32 or two float64
     * matrices each with one unit stride (dense row- or column-major, or a transposed view of one).
     *
     * @param a the left factor
     * @param b the right factor
     * @return whether {@link #multiply} takes them
     */
    static boolean supports(INDArray a, INDArray b) {
        return AVAILABLE && a.dataType() == b.dataType()
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE)
                && Layout.of(a) != null && Layout.of(b) != null;
    }

    /**
     * Computes {@code out = alpha · op(a) · op(b) + beta · out}.
     *
     * @param a          the left factor ({@link #supports})
     * @param b          the right factor, of {@code a}'s type
     * @param out        a dense row-major matrix of that type, {@code [rows of op(a), columns of op(b)]}
     * @param transposeA whether the left factor is transposed
     * @param transposeB whether the right factor is transposed
     * @param alpha      the product's factor
     * @param beta       the factor of {@code out}'s previous values (0 overwrites them)
     */
    static void multiply(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB, double alpha,
                         double beta) {
        Gemm.oneThreadedBlas();
        Layout la = Layout.of(a).transposed(transposeA);
        Layout lb = Layout.of(b).transposed(transposeB);
        int m = transposeA ? a.columns() : a.rows();
        int k = transposeA ? a.rows() : a.columns();
        int n = transposeB ? b.rows() : b.columns();
        int inner = transposeB ? b.columns() : b.rows();
        if (inner != k || out.rows() != m || out.columns() != n) {
            throw new IllegalArgumentException("cannot multiply " + shape(a, transposeA) + " by "
                    + shape(b, transposeB) + " into " + out.rows() + " x " + out.columns()
                    + ": the left factor's columns must equal the right factor's rows");
        }
        boolean splitColumns = n >= m;
        int extent = splitColumns ? n : m;
        int blocks = blocks(extent, (long) m * n * k);
        int width = (extent + blocks - 1) / blocks;
        int step = (width + ALIGN - 1) / ALIGN * ALIGN;
        Gemm gemm = new Gemm(a, la, b, lb, out, alpha, beta);
        ProductWorkers.run((extent + step - 1) / step, block -> {
            int from = block * step;
            int to = Math.min(extent, from + step);
            if (splitColumns) {
                gemm.run(0, m, from, to, k, n);
            } else {
                gemm.run(from, to, 0, n, k, n);
            }
        });
    }

    private static String shape(INDArray x, boolean transposed) {
        return transposed ? x.columns() + " x " + x.rows() + " (transposed)" : x.rows() + " x " + x.columns();
    }

    /** How many blocks an output extent of {@code extent} columns or rows with {@code work} multiply-adds gets. */
    static int blocks(int extent, long work) {
        if (work < MIN_PARALLEL_WORK) {
            return 1;
        }
        return Math.max(1, Math.min(ProductWorkers.WORKERS + 1, extent / MIN_BLOCK));
    }

    /**
     * A matrix's memory as OpenBLAS's row-major interface reads it: whether the stored row-major matrix is the
     * transpose of the operand, and its leading dimension.
     */
    record Layout(boolean transposed, int leading) {

        /** The layout of a matrix with one unit stride, or null for any other. */
        static Layout of(INDArray x) {
            if (x.rank() != 2) {
                return null;
            }
            long rows = x.rows();
            long columns = x.columns();
            if (x.stride(1) == 1 && x.stride(0) >= Math.max(1, columns)) {
                return new Layout(false, x.stride(0));
            }
            if (x.stride(0) == 1 && x.stride(1) >= Math.max(1, rows)) {
                return new Layout(true, x.stride(1));
            }
            return null;
        }

        Layout transposed(boolean transpose) {
            return transpose ? new Layout(!transposed, leading) : this;
        }

        int cblas() {
            return transposed ? openblas.CblasTrans : openblas.CblasNoTrans;
        }

        /** The element offset of {@code op}'s entry (row, column) in the stored matrix. */
        long offset(long row, long column) {
            return transposed ? column * leading + row : row * leading + column;
        }
    }

    /** One product's factors as OpenBLAS pointers; computes any rectangle of the output. */
    private static final class Gemm {
        private static volatile boolean oneThread;
        private final Layout la;
        private final Layout lb;
        private final boolean single;
        private final Pointer a;
        private final Pointer b;
        private final Pointer c;
        private final double alpha;
        private final double beta;

        Gemm(INDArray a, Layout la, INDArray b, Layout lb, INDArray out, double alpha, double beta) {
            this.la = la;
            this.lb = lb;
            this.alpha = alpha;
            this.beta = beta;
            this.single = a.dataType() == DataType.FLOAT;
            this.a = a.data().addressPointer();
            this.b = b.data().addressPointer();
            this.c = out.data().addressPointer();
        }

        /** OpenBLAS's own threads off, once: every block is one thread's {@code gemm}. */
        static void oneThreadedBlas() {
            if (!oneThread) {
                synchronized (Gemm.class) {
                    if (!oneThread) {
                        Nd4j.factory().blas().setMaxThreads(1);
                        oneThread = true;
                    }
                }
            }
        }

        /** Output rows {@code [r0, r1)} and columns {@code [c0, c1)} of the {@code [.., n]} output, inner size k. */
        void run(int r0, int r1, int c0, int c1, int k, int n) {
            long aOffset = la.offset(r0, 0);
            long bOffset = lb.offset(0, c0);
            long cOffset = (long) r0 * n + c0;
            if (single) {
                openblas.cblas_sgemm(openblas.CblasRowMajor, la.cblas(), lb.cblas(), r1 - r0, c1 - c0, k,
                        (float) alpha, new FloatPointer(a).position(aOffset), la.leading(),
                        new FloatPointer(b).position(bOffset), lb.leading(), (float) beta,
                        new FloatPointer(c).position(cOffset), n);
            } else {
                openblas.cblas_dgemm(openblas.CblasRowMajor, la.cblas(), lb.cblas(), r1 - r0, c1 - c0, k,
                        alpha, new DoublePointer(a).position(aOffset), la.leading(),
                        new DoublePointer(b).position(bOffset), lb.leading(), beta,
                        new DoublePointer(c).position(cOffset), n);
            }
        }
    }
}
