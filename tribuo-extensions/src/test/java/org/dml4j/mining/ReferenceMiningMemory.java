package org.dml4j.mining;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures batch-hard mining of Q queries against R references, the whole Q × R matrix at once or in blocks of
 * query rows ({@code referenceBatchSize}): wall time, the peak Java heap during the mining and the process's peak
 * resident memory (VmHWM). Not a test: run with the test classpath, one mode per JVM (VmHWM never goes down).
 * Arguments: Q R d blockRows (0: the whole matrix).
 */
public final class ReferenceMiningMemory {

    private ReferenceMiningMemory() {
    }

    /**
     * Runs one measurement and prints one line.
     *
     * @param args Q, R, d and the block rows
     * @throws Exception if /proc cannot be read
     */
    public static void main(String[] args) throws Exception {
        int q = Integer.parseInt(args[0]);
        int r = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        int block = Integer.parseInt(args[3]);
        INDArray queries = Nd4j.randn(1L, new long[]{q, d}).castTo(DataType.FLOAT);
        INDArray references = Nd4j.randn(2L, new long[]{r, d}).castTo(DataType.FLOAT);
        int[] queryLabels = new int[q];
        int[] referenceLabels = new int[r];
        for (int i = 0; i < q; i++) {
            queryLabels[i] = i % 100;
        }
        for (int i = 0; i < r; i++) {
            referenceLabels[i] = i % 100;
        }
        BatchHardMiner miner = new BatchHardMiner();
        miner.withReferenceBatchSize(block);
        miner.mine(queries.getRows(0, 1), new int[]{0, 1}, references.getRows(0, 1, 2), new int[]{0, 1, 0});
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long before = heapPeak();
        long start = System.nanoTime();
        TripletTuples tuples = miner.mine(queries, queryLabels, references, referenceLabels);
        double seconds = (System.nanoTime() - start) / 1e9;
        long checksum = 0;
        for (int k = 0; k < tuples.size(); k++) {
            checksum = checksum * 31 + tuples.anchors()[k] * 7L + tuples.positives()[k] * 3L + tuples.negatives()[k];
        }
        System.out.printf("Q=%d R=%d d=%d block=%d: %.2f s, peak heap %.0f MB (%.0f MB before), VmHWM %s,"
                        + " %d triplets, checksum %d%n", q, r, d, block, seconds, heapPeak() / 1e6, before / 1e6,
                vmHwm(), tuples.size(), checksum);
    }

    private static long heapPeak() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }

    private static String vmHwm() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("?");
    }
}
