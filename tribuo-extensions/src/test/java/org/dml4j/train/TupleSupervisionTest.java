package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.QuadrupletLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.testutil.Clusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TupleSupervisionTest {

    private static final int CLASSES = 4;
    /** Row {@code i} of the dataset belongs to class {@code i % CLASSES}. */
    private static final MutableDataset<Label> DATA = Clusters.dataset(CLASSES, 50, 20, 1.2, 3);

    private static int classOf(int row) {
        return row % CLASSES;
    }

    /** Random pairs, half similar and half dissimilar, that encode the clusters. */
    private static Path pairs(Path dir, int count) throws IOException {
        Random rng = new Random(1);
        StringBuilder csv = new StringBuilder("id_a,id_b,similar\n");
        for (int k = 0; k < count; k++) {
            int a = rng.nextInt(DATA.size());
            int b;
            do {
                b = rng.nextInt(DATA.size());
            } while (b == a || (classOf(a) == classOf(b)) != (k % 2 == 0));
            csv.append(a).append(',').append(b).append(',').append(k % 2 == 0 ? 1 : 0).append('\n');
        }
        return Files.writeString(dir.resolve("pairs.csv"), csv);
    }

    /** Random triplets (or quadruplets) that encode the clusters. */
    private static Path triplets(Path dir, int count, boolean quadruplets) throws IOException {
        Random rng = new Random(2);
        StringBuilder csv = new StringBuilder();
        for (int k = 0; k < count; k++) {
            int a = rng.nextInt(DATA.size());
            int p = pick(rng, x -> x != a && classOf(x) == classOf(a));
            int n = pick(rng, x -> classOf(x) != classOf(a));
            csv.append(a).append(',').append(p).append(',').append(n);
            if (quadruplets) {
                csv.append(',').append(pick(rng, x -> classOf(x) != classOf(a) && classOf(x) != classOf(n)));
            }
            csv.append('\n');
        }
        return Files.writeString(dir.resolve(quadruplets ? "quadruplets.csv" : "triplets.csv"), csv);
    }

    private static int pick(Random rng, java.util.function.IntPredicate ok) {
        int x;
        do {
            x = rng.nextInt(DATA.size());
        } while (!ok.test(x));
        return x;
    }

    private static MetricLearningTrainer.Builder builder(org.dml4j.loss.MetricLoss loss,
                                                         TupleSupervision supervision, int epochs, long seed) {
        return MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:32,8"), loss).epochs(epochs).batchSize(32)
                .learningRate(3e-3).seed(seed).tupleSupervision(supervision);
    }

    private static MetricLearningTrainer trainer(org.dml4j.loss.MetricLoss loss, TupleSupervision supervision,
                                                 int epochs, long seed) {
        return builder(loss, supervision, epochs, seed).build();
    }

    private static double mapAtR(EmbeddingModel model) {
        int[] labels = new int[DATA.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Integer.parseInt(DATA.getExample(i).getOutput().getLabel());
        }
        return new RetrievalEvaluator().evaluate(model.embed(DATA), labels, null, null, RetrievalMode.SELF)
                .means().get("map_at_r");
    }

    @Test
    void siameseNetworkLearnsTheClustersFromPairs(@TempDir Path dir) throws IOException {
        TupleSupervision pairs = new TupleSupervision(pairs(dir, 800), TupleSupervision.Kind.PAIRS);
        double before = mapAtR(builder(new ContrastiveLoss(), pairs, 1, 3).learningRate(1e-9).build()
                .train(DATA));
        double after = mapAtR(trainer(new ContrastiveLoss(), pairs, 10, 3).train(DATA));
        assertTrue(after > 0.85 && after > before + 0.1, "MAP@R before " + before + ", after " + after);
    }

    @Test
    void tripletNetworkLearnsTheClustersFromTriplets(@TempDir Path dir) throws IOException {
        TupleSupervision triplets = new TupleSupervision(triplets(dir, 600, false), TupleSupervision.Kind.TRIPLETS);
        double after = mapAtR(trainer(new TripletMarginLoss(0.2), triplets, 10, 3).train(DATA));
        assertTrue(after > 0.85, "MAP@R after " + after);
    }

    @Test
    void quadrupletNetworkLearnsTheClustersFromQuadruplets(@TempDir Path dir) throws IOException {
        TupleSupervision quads = new TupleSupervision(triplets(dir, 600, true), TupleSupervision.Kind.QUADRUPLETS);
        double after = mapAtR(trainer(new QuadrupletLoss(), quads, 10, 3).train(DATA));
        assertTrue(after > 0.85, "MAP@R after " + after);
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel(@TempDir Path dir) throws IOException {
        TupleSupervision pairs = new TupleSupervision(pairs(dir, 200), TupleSupervision.Kind.PAIRS);
        INDArray a = trainer(new ContrastiveLoss(), pairs, 2, 11).train(DATA).network().parameters().get("0.weight");
        INDArray b = trainer(new ContrastiveLoss(), pairs, 2, 11).train(DATA).network().parameters().get("0.weight");
        INDArray c = trainer(new ContrastiveLoss(), pairs, 2, 12).train(DATA).network().parameters().get("0.weight");
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void resumingATupleRunGivesTheUninterruptedResult(@TempDir Path dir) throws IOException {
        TupleSupervision triplets = new TupleSupervision(triplets(dir, 200, false), TupleSupervision.Kind.TRIPLETS);
        EmbeddingModel uninterrupted = builder(new TripletMarginLoss(0.2), triplets, 4, 5).validationFraction(0.2)
                .checkpointDirectory(dir.resolve("full").toString()).checkpointInterval(2).build().train(DATA);
        EmbeddingModel resumed = builder(new TripletMarginLoss(0.2), triplets, 4, 5).validationFraction(0.2)
                .checkpointDirectory(dir.resolve("again").toString()).checkpointInterval(2).build()
                .resume(DATA, dir.resolve("full").resolve(Checkpoint.fileName(2)));
        assertEquals(uninterrupted.network().parameters(), resumed.network().parameters());
    }

    @Test
    void badAnnotationFilesFailWithTheirLineNumber(@TempDir Path dir) throws IOException {
        Path badFlag = Files.writeString(dir.resolve("flag.csv"), "id_a,id_b,similar\n0,4,1\n1,2,maybe\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> trainer(new ContrastiveLoss(),
                new TupleSupervision(badFlag, TupleSupervision.Kind.PAIRS), 1, 1).train(DATA));
        assertTrue(e.getMessage().contains("flag.csv line 3") && e.getMessage().contains("maybe"), e.getMessage());
        Path unknownId = Files.writeString(dir.resolve("ids.csv"), "0,4,8\n# comment\n0,4,9999\n");
        e = assertThrows(UncheckedIOException.class, () -> trainer(new TripletMarginLoss(0.2),
                new TupleSupervision(unknownId, TupleSupervision.Kind.TRIPLETS), 1, 1).train(DATA));
        assertTrue(e.getMessage().contains("ids.csv line 3") && e.getMessage().contains("9999"), e.getMessage());
        Path missing = dir.resolve("missing.csv");
        e = assertThrows(UncheckedIOException.class, () -> trainer(new TripletMarginLoss(0.2),
                new TupleSupervision(missing, TupleSupervision.Kind.TRIPLETS), 1, 1).train(DATA));
        assertTrue(e.getMessage().contains("missing.csv"), e.getMessage());
        Path contradiction = Files.writeString(dir.resolve("c.csv"), "0,4,1\n4,8,1\n8,0,0\n");
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> trainer(
                new ContrastiveLoss(), new TupleSupervision(contradiction, TupleSupervision.Kind.PAIRS), 1, 1)
                .train(DATA));
        assertTrue(c.getMessage().contains("contradict"), c.getMessage());
    }

    @Test
    void invalidSettingsNameTheirField(@TempDir Path dir) throws IOException {
        TupleSupervision pairs = new TupleSupervision(pairs(dir, 20), TupleSupervision.Kind.PAIRS);
        PropertyException e = assertThrows(PropertyException.class,
                () -> trainer(new ProxyAnchorLoss(4, 8), pairs, 1, 1));
        assertTrue(e.getMessage().contains("tupleSupervision"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> builder(new ContrastiveLoss(), pairs, 1, 1)
                .miner(new BatchHardMiner()).sampler(new MPerClassSampler(8)).build());
        assertTrue(e.getMessage().contains("unset the miner"), e.getMessage());
        e = assertThrows(PropertyException.class, () -> builder(new ContrastiveLoss(), pairs, 1, 1)
                .memorySize(64).build());
        assertTrue(e.getMessage().contains("memorySize"), e.getMessage());
        assertThrows(PropertyException.class, () -> new TupleSupervision(Path.of(" "), TupleSupervision.Kind.PAIRS));
        e = assertThrows(PropertyException.class, () -> new TupleSupervision(dir, null));
        assertTrue(e.getMessage().contains("kind"), e.getMessage());
    }

    @Test
    void batchesCoverEveryTupleOnceWithEachRowEmbeddedOnce() {
        TripletTuples annotated = new TripletTuples(new int[]{0, 4, 8, 1, 0}, new int[]{4, 8, 0, 5, 8},
                new int[]{1, 1, 2, 2, 5});
        int[] identity = new int[12];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        TupleBatches batches = new TupleBatches(annotated, identity, 2);
        List<TrainingBatch> epoch = batches.epoch(new SplittableRandom(5));
        assertEquals(3, epoch.size());
        Set<List<Integer>> seen = new HashSet<>();
        for (TrainingBatch batch : epoch) {
            assertEquals(batch.rows().length, new HashSet<>(boxed(batch.rows())).size(), "each row once");
            TripletTuples t = (TripletTuples) batch.tuples();
            for (int k = 0; k < t.size(); k++) {
                int[] rows = batch.rows();
                seen.add(List.of(rows[t.anchors()[k]], rows[t.positives()[k]], rows[t.negatives()[k]]));
                assertEquals(batch.labels()[t.anchors()[k]], batch.labels()[t.positives()[k]]);
                assertNotEquals(batch.labels()[t.anchors()[k]], batch.labels()[t.negatives()[k]]);
            }
        }
        assertEquals(Set.of(List.of(0, 4, 1), List.of(4, 8, 1), List.of(8, 0, 2), List.of(1, 5, 2),
                List.of(0, 8, 5)), seen);
        int[] labels = batches.labels();
        assertEquals(labels[0], labels[8]);
        assertEquals(labels[1], labels[5]);
        assertNotEquals(labels[0], labels[1]);
        List<TrainingBatch> again = batches.epoch(new SplittableRandom(5));
        for (int b = 0; b < epoch.size(); b++) {
            assertArrayEquals(epoch.get(b).rows(), again.get(b).rows());
        }
    }

    @Test
    void tuplesTouchingValidationRowsAreDroppedAndPairsKeepTheirSign() {
        PairTuples annotated = new PairTuples(new int[]{0, 2}, new int[]{1, 3}, new int[]{0}, new int[]{2});
        TupleBatches batches = new TupleBatches(annotated, new int[]{0, 1, -1, 2}, 10);
        assertEquals(1, batches.size());
        PairTuples only = (PairTuples) batches.epoch(new SplittableRandom(1)).get(0).tuples();
        assertEquals(new PairTuples(new int[]{0}, new int[]{1}, new int[0], new int[0]), only);
        assertThrows(IllegalArgumentException.class, () -> new TupleBatches(
                new QuadrupletTuples(new int[]{0}, new int[]{1}, new int[]{2}, new int[]{3}), new int[]{0, 1, 2, -1},
                4));
    }

    @Test
    void validationUsesTheClassLabelsAndConfigFilesConfigureTheSupervision(@TempDir Path dir) throws IOException {
        Path csv = triplets(dir, 300, false);
        Path config = TrainerConfigs.write(dir.resolve("trainer.xml"), "org.dml4j.loss.TripletMarginLoss", """
                    <property name="epochs" value="2"/>
                    <property name="batchSize" value="32"/>
                    <property name="validationFraction" value="0.2"/>
                    <property name="tupleSupervision" value="triplets"/>
                """, """
                  <component name="triplets" type="org.dml4j.train.TupleSupervision">
                    <property name="path" value="%s"/>
                    <property name="kind" value="TRIPLETS"/>
                  </component>
                """.formatted(csv));
        MetricLearningTrainer trainer = (MetricLearningTrainer) new ConfigurationManager(config.toString())
                .lookup("trainer");
        List<EpochEnd> epochs = new ArrayList<>();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochEnd epoch) {
                epochs.add(epoch);
            }
        });
        EmbeddingModel model = trainer.train(DATA);
        assertEquals(2, epochs.size());
        assertTrue(epochs.get(1).validationMetrics().containsKey("map_at_r"), epochs.toString());
        String provenance = ProvenanceUtil.formattedProvenanceString(model.getProvenance());
        assertTrue(provenance.contains("TupleSupervision") && provenance.contains("TRIPLETS"), provenance);
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }
}
