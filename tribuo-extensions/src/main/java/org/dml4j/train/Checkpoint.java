package org.dml4j.train;

import org.dml4j.model.Tensors;
import org.dml4j.model.protos.OptimizerSlotsProto;
import org.dml4j.model.protos.TrainingCheckpointProto;
import org.dml4j.nn.optim.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a training run needs to continue where it stopped, after an epoch: network parameters and buffers, the
 * loss's parameters, the optimizer state, early-stopping state, the run seed and the cross-batch memory. Written as protobuf
 * ({@code TrainingCheckpointProto}) atomically (a temporary file renamed into place).
 *
 * @param epoch            the epoch the checkpoint was written after, from 1
 * @param step             the global step
 * @param networkSpec      the architecture
 * @param parameters       network parameters
 * @param buffers          network buffers
 * @param lossParameters   the loss's parameters
 * @param optimizer        the optimizer state
 * @param bestMetric       the best validation value so far (NaN without validation)
 * @param bestEpoch        its epoch (0 without validation)
 * @param bestParameters   the best network's parameters (empty without validation)
 * @param bestBuffers      the best network's buffers
 * @param runSeed          the seed every random choice of the run derives from
 * @param staleValidations validations without improvement so far
 * @param memoryEmbeddings the cross-batch memory's embeddings, oldest first (null without a memory or when empty)
 * @param memoryLabels     their labels (empty without)
 */
public record Checkpoint(int epoch, long step, String networkSpec, Map<String, INDArray> parameters,
                         Map<String, INDArray> buffers, Map<String, INDArray> lossParameters,
                         OptimizerState optimizer, double bestMetric, int bestEpoch,
                         Map<String, INDArray> bestParameters, Map<String, INDArray> bestBuffers, long runSeed,
                         int staleValidations, INDArray memoryEmbeddings, int[] memoryLabels) {

    /**
     * Checks that the memory's embeddings and labels agree.
     *
     * @param epoch see the record's description of {@code epoch}
     * @param step see the record's description of {@code step}
     * @param networkSpec see the record's description of {@code networkSpec}
     * @param parameters see the record's description of {@code parameters}
     * @param buffers see the record's description of {@code buffers}
     * @param lossParameters see the record's description of {@code lossParameters}
     * @param optimizer see the record's description of {@code optimizer}
     * @param bestMetric see the record's description of {@code bestMetric}
     * @param bestEpoch see the record's description of {@code bestEpoch}
     * @param bestParameters see the record's description of {@code bestParameters}
     * @param bestBuffers see the record's description of {@code bestBuffers}
     * @param runSeed see the record's description of {@code runSeed}
     * @param staleValidations see the record's description of {@code staleValidations}
     * @param memoryEmbeddings see the record's description of {@code memoryEmbeddings}
     * @param memoryLabels see the record's description of {@code memoryLabels}
     * @throws IllegalArgumentException if they do not
     */
    public Checkpoint {
        long rows = memoryEmbeddings == null ? 0 : memoryEmbeddings.rows();
        if (rows != memoryLabels.length) {
            throw new IllegalArgumentException("the cross-batch memory holds " + rows + " embeddings but "
                    + memoryLabels.length + " labels");
        }
    }

    /**
     * The file name of the checkpoint after an epoch.
     *
     * @param epoch the epoch
     * @return e.g. {@code checkpoint-epoch-0003.pb}
     */
    public static String fileName(int epoch) {
        return String.format("checkpoint-epoch-%04d.pb", epoch);
    }

    /**
     * Writes the checkpoint atomically.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        TrainingCheckpointProto.Builder b = TrainingCheckpointProto.newBuilder()
                .setEpoch(epoch).setStep(step).setNetworkSpec(networkSpec)
                .addAllParameters(Tensors.toProtos(parameters)).addAllBuffers(Tensors.toProtos(buffers))
                .addAllLossParameters(Tensors.toProtos(lossParameters))
                .setBestMetric(bestMetric).setBestEpoch(bestEpoch)
                .addAllBestParameters(Tensors.toProtos(bestParameters)).addAllBestBuffers(Tensors.toProtos(bestBuffers))
                .setRunSeed(runSeed).setStaleValidations(staleValidations);
        if (memoryEmbeddings != null) {
            b.setMemoryEmbeddings(Tensors.toProto(memoryEmbeddings));
            for (int label : memoryLabels) {
                b.addMemoryLabels(label);
            }
        }
        for (Map.Entry<String, Long> e : optimizer.steps().entrySet()) {
            b.addOptimizer(OptimizerSlotsProto.newBuilder().setParameter(e.getKey()).setStep(e.getValue())
                    .addAllSlots(Tensors.toProtos(optimizer.slots().get(e.getKey()))));
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Readable by its owner only: createTempFile makes the file rw------- on POSIX, and the rename keeps it.
        Path temp = Files.createTempFile(parent, ".checkpoint", ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            b.build().writeTo(out);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a checkpoint.
     *
     * @param file the file
     * @return the checkpoint
     * @throws IOException if it cannot be read or is not a checkpoint
     */
    public static Checkpoint load(Path file) throws IOException {
        TrainingCheckpointProto p;
        try (InputStream in = Files.newInputStream(file)) {
            p = TrainingCheckpointProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(file + " is not a DML4J training checkpoint: " + e.getMessage(), e);
        }
        if (p.getEpoch() < 1 || p.getNetworkSpec().isEmpty()) {
            throw new IOException(file + " is not a DML4J training checkpoint (no epoch or network)");
        }
        INDArray memoryEmbeddings = p.hasMemoryEmbeddings()
                ? Tensors.fromProto(p.getMemoryEmbeddings(), "cross-batch memory") : null;
        if ((memoryEmbeddings == null ? 0 : memoryEmbeddings.rows()) != p.getMemoryLabelsCount()) {
            throw new IOException(file + " is corrupt: its cross-batch memory holds "
                    + (memoryEmbeddings == null ? 0 : memoryEmbeddings.rows()) + " embeddings but "
                    + p.getMemoryLabelsCount() + " labels");
        }
        Map<String, Long> steps = new LinkedHashMap<>();
        Map<String, Map<String, INDArray>> slots = new LinkedHashMap<>();
        for (OptimizerSlotsProto o : p.getOptimizerList()) {
            steps.put(o.getParameter(), o.getStep());
            slots.put(o.getParameter(), Tensors.fromProtos(o.getSlotsList()));
        }
        return new Checkpoint(p.getEpoch(), p.getStep(), p.getNetworkSpec(), Tensors.fromProtos(p.getParametersList()),
                Tensors.fromProtos(p.getBuffersList()), Tensors.fromProtos(p.getLossParametersList()),
                new OptimizerState(steps, slots), p.getBestMetric(), p.getBestEpoch(),
                Tensors.fromProtos(p.getBestParametersList()), Tensors.fromProtos(p.getBestBuffersList()),
                p.getRunSeed(), p.getStaleValidations(), memoryEmbeddings,
                p.getMemoryLabelsList().stream().mapToInt(Integer::intValue).toArray());
    }
}
