package org.dml4j.train;

import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.MlpSpec;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.nn.optim.Sgd;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel training in one JVM (replicas as threads): two replicas of 128 rows each train the parameters one
 * process trains with the same 256-row batches, and end identical to each other.
 */
class ReplicaTrainingTest {

    /** 4 classes of 64: one 256-row batch an epoch, so 5 epochs are 5 steps. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(4, 64, 12, 1.2, 7);
    private static final int STEPS = 5;

    /** Replicas as threads of this JVM: the blocks meet in an array behind a barrier. */
    private record ThreadReplicas(int rank, int size, CyclicBarrier barrier, AtomicReferenceArray<float[]> blocks)
            implements ReplicaGroup {

        static List<ReplicaGroup> of(int size) {
            CyclicBarrier barrier = new CyclicBarrier(size);
            AtomicReferenceArray<float[]> blocks = new AtomicReferenceArray<>(size);
            List<ReplicaGroup> out = new ArrayList<>();
            for (int rank = 0; rank < size; rank++) {
                out.add(new ThreadReplicas(rank, size, barrier, blocks));
            }
            return out;
        }

        @Override
        public List<float[]> allGather(float[] block) {
            try {
                blocks.set(rank, block.clone());
                barrier.await();
                List<float[]> all = new ArrayList<>();
                for (int r = 0; r < size; r++) {
                    all.add(blocks.get(r).clone());
                }
                barrier.await(); // nobody overwrites a block before all have read it
                return all;
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static MetricLearningTrainer trainer(MetricLoss loss, Optimizer optimizer, double lr) {
        return new MetricLearningTrainer(new MlpSpec(new int[]{16}, 8), loss, null, new MPerClassSampler(64),
                optimizer, STEPS, 256, lr, 11);
    }

    /** Each replica trains on its own thread; returns the replicas' models in rank order. */
    private static List<EmbeddingModel> replicas(Supplier<MetricLearningTrainer> trainer, int size) {
        List<CompletableFuture<EmbeddingModel>> runs = new ArrayList<>();
        for (ReplicaGroup group : ThreadReplicas.of(size)) {
            runs.add(CompletableFuture.supplyAsync(() -> trainer.get().trainReplica(DATA, group)));
        }
        return runs.stream().map(CompletableFuture::join).toList();
    }

    private static double maxDifference(EmbeddingModel a, EmbeddingModel b) {
        double max = 0;
        Map<String, INDArray> theirs = b.network().parameters();
        for (Map.Entry<String, INDArray> p : a.network().parameters().entrySet()) {
            max = Math.max(max, p.getValue().sub(theirs.get(p.getKey())).amaxNumber().doubleValue());
        }
        return max;
    }

    private static void assertSameTraining(Supplier<MetricLearningTrainer> trainer) {
        EmbeddingModel alone = trainer.get().train(DATA);
        EmbeddingModel untrained = trainer.get().toBuilder().epochs(1).learningRate(1e-12).build().train(DATA);
        List<EmbeddingModel> replicas = replicas(trainer, 2);
        double moved = maxDifference(alone, untrained);
        assertTrue(moved > 1e-2, "training moved the parameters by " + moved);
        assertEquals(0.0, maxDifference(replicas.get(0), replicas.get(1)), "identical updates on every replica");
        double gap = maxDifference(alone, replicas.get(0));
        assertTrue(gap < 2e-5, "2 replicas x 128 rows are " + gap + " from one process with 256 rows, which moved "
                + "the parameters by " + moved);
    }

    /** Plain SGD follows the gradient's scale: a mean instead of a sum over the replicas would halve each step. */
    @Test
    void twoReplicasTrainTheParametersOneProcessTrainsWithContrastiveLossAndSgd() {
        assertSameTraining(() -> trainer(new ContrastiveLoss(), new Sgd(0.0, false, 0.0), 0.5));
    }

    /** The proxies are the loss's parameters: every replica computes their whole gradient from the global batch. */
    @Test
    void twoReplicasTrainTheParametersOneProcessTrainsWithProxyAnchorAndItsProxies() {
        assertSameTraining(() -> trainer(new ProxyAnchorLoss(4, 8), new Adam(), 1e-2));
    }

    @Test
    void aBatchSmallerThanTheGroupIsRefused() {
        MetricLearningTrainer small = new MetricLearningTrainer(new MlpSpec(new int[]{16}, 8), new ContrastiveLoss(),
                null, new MPerClassSampler(1), new Sgd(0.0, false, 0.0), 1, 4, 0.1, 11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small.trainReplica(DATA, ThreadReplicas.of(5).get(0)));
        assertTrue(e.getMessage().contains("a batch of 4 rows cannot be split over 5 replicas"), e.getMessage());
    }
}
