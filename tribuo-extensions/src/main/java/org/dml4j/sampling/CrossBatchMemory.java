package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nd.Rows;
import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * A first-in first-out memory of the most recent embeddings and their labels (Wang et al. 2020, "Cross-Batch Memory
 * for Embedding Learning"; PML's {@code CrossBatchMemory}). Once full, each new row replaces the oldest one. The
 * memory keeps detached copies: nothing stored here carries a gradient.
 * <p>
 * {@code org.dml4j.loss.CrossBatchMemoryLoss} enqueues each batch, then computes a loss of the batch against the
 * memory, as PML's {@code CrossBatchMemory} loss wrapper (the trainer's {@code memorySize}). Not thread-safe.
 */
public final class CrossBatchMemory implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    @Config(description = "The number of embeddings remembered (PML default 1024).")
    private int memorySize = 1024;

    private INDArray rows;
    private int[] labels;
    private int next;
    private int size;

    /** For OLCUT. */
    private CrossBatchMemory() {
    }

    /**
     * Creates an empty memory.
     *
     * @param memorySize the number of embeddings remembered
     */
    public CrossBatchMemory(int memorySize) {
        this.memorySize = memorySize;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (memorySize < 1) {
            throw new PropertyException("", "memorySize", "memorySize must be >= 1, found " + memorySize);
        }
    }

    /** @return the number of embeddings the memory can hold */
    public int capacity() {
        return memorySize;
    }

    /** @return the number of embeddings held now */
    public int size() {
        return size;
    }

    /** Forgets everything (e.g. at the start of a run); the embedding width may change afterwards. */
    public void clear() {
        rows = null;
        labels = null;
        next = 0;
        size = 0;
    }

    /**
     * Stores a copy of a batch, evicting the oldest rows when full. A batch larger than the memory leaves only its
     * last {@code capacity()} rows.
     *
     * @param batch       the {@code B × d} embeddings
     * @param batchLabels their {@code B} labels
     * @throws IllegalArgumentException if the sizes disagree or {@code d} differs from earlier batches
     */
    public void enqueue(INDArray batch, int[] batchLabels) {
        check(batch, batchLabels);
        if (rows == null) {
            rows = Workspaces.persistent(() -> Nd4j.create(batch.dataType(), memorySize, batch.columns()));
            labels = new int[memorySize];
        }
        int first = Math.max(0, batchLabels.length - memorySize);
        int remaining = batchLabels.length - first;
        while (remaining > 0) {
            int chunk = Math.min(remaining, memorySize - next);
            rows.get(NDArrayIndex.interval(next, next + chunk), NDArrayIndex.all())
                    .assign(batch.get(NDArrayIndex.interval(first, first + chunk), NDArrayIndex.all()));
            System.arraycopy(batchLabels, first, labels, next, chunk);
            first += chunk;
            remaining -= chunk;
            next = (next + chunk) % memorySize;
            size = Math.min(memorySize, size + chunk);
        }
    }

    /** @return a copy of the remembered embeddings, oldest first ({@code size() × d}); null when empty */
    public INDArray embeddings() {
        return size == 0 ? null : Rows.gather(rows, order());
    }

    /** @return the labels of the remembered embeddings, oldest first */
    public int[] labels() {
        int[] order = order();
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = labels[order[i]];
        }
        return out;
    }

    private int[] order() {
        int[] order = new int[size];
        int start = size < memorySize ? 0 : next;
        for (int i = 0; i < size; i++) {
            order[i] = (start + i) % memorySize;
        }
        return order;
    }

    private void check(INDArray batch, int[] batchLabels) {
        if (batch.rank() != 2 || batch.rows() != batchLabels.length) {
            throw new IllegalArgumentException("expected a B × d batch with B = " + batchLabels.length
                    + " labels, found shape " + Arrays.toString(batch.shape()));
        }
        if (rows != null && batch.columns() != rows.columns()) {
            throw new IllegalArgumentException("the memory holds " + rows.columns() + "-dimensional embeddings, found "
                    + batch.columns() + "; call clear() before changing the embedding size");
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "CrossBatchMemory");
    }

    @Override
    public String toString() {
        return "CrossBatchMemory(memorySize=" + memorySize + ", size=" + size + ")";
    }
}
