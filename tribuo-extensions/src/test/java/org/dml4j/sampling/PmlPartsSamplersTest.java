package org.dml4j.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.conformance.PmlTranslator;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.PairTuples;
import org.dml4j.mining.TripletTuples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The samplers against PML 2.8.1's outputs for the same inputs (golden/samplers/samplers_pml_parts.json). PML draws
 * from numpy's and PyTorch's global generators, which DML4J does not reproduce, so each test derives the composition
 * invariants of a sampler from PML's batches and DML4J's batches alike and requires them to agree; the weights of
 * TuplesToWeightsSampler are deterministic and compared exactly (with {@code convert_to_weights} in float64, and with
 * the float32 weights PML's sampler object computes).
 */
class PmlPartsSamplersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = PmlPartsSamplersTest.class.getResourceAsStream(
                "/golden/samplers/samplers_pml_parts.json")) {
            cases = MAPPER.readTree(in).get("cases");
        }
    }

    private static List<JsonNode> of(String kind) {
        List<JsonNode> out = new ArrayList<>();
        cases.forEach(c -> {
            if (c.get("kind").asText().equals(kind)) {
                out.add(c);
            }
        });
        assertTrue(!out.isEmpty(), "no " + kind + " case");
        return out;
    }

    private static int[] ints(JsonNode node) throws IOException {
        return MAPPER.treeToValue(node, int[].class);
    }

    /**
     * The invariants of hierarchical batches: how often each combination of super-classes forms a batch, and for a
     * fixed number of examples per class the sorted batch sizes; every check that holds per batch is asserted here.
     */
    private static Map<String, Object> hierarchicalInvariants(List<int[]> batches, int[] labels, int[] supers,
                                                              int samplesPerClass, int superClassesPerBatch,
                                                              int batchSize) {
        Map<String, Integer> classSizes = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            classSizes.merge(supers[i] + "/" + labels[i], 1, Integer::sum);
        }
        Map<String, Integer> combinations = new TreeMap<>();
        List<Integer> sizes = new ArrayList<>();
        for (int[] batch : batches) {
            Map<Integer, Integer> perSuper = new TreeMap<>();
            Map<String, Integer> perClass = new HashMap<>();
            for (int i : batch) {
                perSuper.merge(supers[i], 1, Integer::sum);
                perClass.merge(supers[i] + "/" + labels[i], 1, Integer::sum);
            }
            assertTrue(perSuper.size() <= superClassesPerBatch, "too many super-classes in a batch: " + perSuper);
            perSuper.values().forEach(n -> assertTrue(n <= batchSize / superClassesPerBatch, "sub-batch of " + n));
            perClass.forEach((c, n) -> assertEquals(samplesPerClass > 0 ? samplesPerClass : classSizes.get(c), n,
                    "examples of class " + c));
            combinations.merge(perSuper.keySet().toString(), 1, Integer::sum);
            sizes.add(batch.length);
        }
        sizes.sort(null);
        Map<String, Object> out = new TreeMap<>();
        out.put("batches", batches.size());
        out.put("combinations", combinations);
        if (samplesPerClass > 0) {
            out.put("sizes", sizes);
        }
        return out;
    }

    @Test
    void hierarchicalBatchesHavePmlsComposition() throws IOException {
        for (JsonNode c : of("HierarchicalSampler")) {
            JsonNode p = c.get("params");
            int[] labels = ints(c.get("labels"));
            int[] supers = ints(c.get("super_labels"));
            int spc = p.get("samples_per_class").asInt();
            int scpb = p.get("super_classes_per_batch").asInt();
            int batchSize = p.get("batch_size").asInt();
            List<int[]> pml = new ArrayList<>();
            for (JsonNode b : c.get("pml_batches")) {
                pml.add(ints(b));
            }
            HierarchicalSampler sampler = new HierarchicalSampler(supers, spc, p.get("batches_per_super_tuple")
                    .asInt(), scpb);
            List<int[]> ours = sampler.epoch(labels, batchSize, new SplittableRandom(3));
            assertEquals(hierarchicalInvariants(pml, labels, supers, spc, scpb, batchSize),
                    hierarchicalInvariants(ours, labels, supers, spc, scpb, batchSize), p.toString());
            List<int[]> again = sampler.epoch(labels, batchSize, new SplittableRandom(3));
            for (int b = 0; b < ours.size(); b++) {
                assertArrayEquals(ours.get(b), again.get(b), "seeded");
            }
        }
    }

    @Test
    void hierarchicalRejectsBadSizes() {
        HierarchicalSampler sampler = new HierarchicalSampler(new int[]{0, 0, 1, 1}, 1, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(new int[]{0, 1, 2}, 2,
                new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(new int[]{0, 1, 2, 3}, 3,
                new SplittableRandom(1)));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> new HierarchicalSampler(new int[]{0, 0, 0}, 1, 1, 2).epoch(new int[]{0, 1, 2}, 2,
                        new SplittableRandom(1)));
        assertTrue(few.getMessage().contains("super-classes"), few.getMessage());
        assertThrows(PropertyException.class, () -> new HierarchicalSampler(new int[]{0}, -1, 1, 2));
    }

    /** The invariants of a set of triplets: their number and, per triplet, the label rules. */
    private static int checkTriplets(int[][] triplets, int[] labels) {
        Map<Integer, Integer> sizes = new HashMap<>();
        for (int label : labels) {
            sizes.merge(label, 1, Integer::sum);
        }
        for (int[] t : triplets) {
            assertEquals(labels[t[0]], labels[t[1]], "anchor and positive share a class");
            assertNotEquals(labels[t[0]], labels[t[2]], "the negative is of another class");
            assertTrue(t[0] != t[1] || sizes.get(labels[t[0]]) == 1, "anchor == positive only for a singleton");
        }
        return triplets.length;
    }

    @Test
    void fixedSetOfTripletsFollowsPmlsRules() throws IOException {
        JsonNode c = of("FixedSetOfTriplets").get(0);
        int[] labels = ints(c.get("labels"));
        int n = c.get("params").get("num_triplets").asInt();
        int[][] pml = MAPPER.treeToValue(c.get("pml_triplets"), int[][].class);
        FixedSetOfTriplets sampler = new FixedSetOfTriplets(n, 5);
        int[][] ours = sampler.triplets(labels);
        assertEquals(checkTriplets(pml, labels), checkTriplets(ours, labels));
        assertArrayEquals(ours, sampler.triplets(labels), "the set is fixed");
        // Every class is the anchor's class about equally often (200 draws over 6 classes: 33 expected each).
        Set<Integer> anchorClasses = new HashSet<>();
        for (int[] t : ours) {
            anchorClasses.add(labels[t[0]]);
        }
        assertEquals(6, anchorClasses.size());
        List<int[]> batches = sampler.epoch(labels, 9, new SplittableRandom(2));
        assertEquals(67, batches.size()); // 600 indices in batches of 9
        Set<List<Integer>> fromBatches = new HashSet<>();
        for (int[] b : batches) {
            for (int k = 0; k < b.length; k += 3) {
                fromBatches.add(List.of(b[k], b[k + 1], b[k + 2]));
            }
        }
        Set<List<Integer>> set = new HashSet<>();
        for (int[] t : ours) {
            set.add(List.of(t[0], t[1], t[2]));
        }
        assertEquals(set, fromBatches, "batches hold whole triplets of the set");
        assertThrows(IllegalArgumentException.class, () -> sampler.epoch(labels, 8, new SplittableRandom(2)));
        assertThrows(IllegalArgumentException.class, () -> sampler.triplets(new int[]{1, 1, 1}));
    }

    /**
     * The composition of m-per-class batches: for each batch, each class's count and number of distinct examples
     * (a class smaller than m repeats its examples), as sorted strings.
     */
    private static List<String> mPerClassCompositions(List<int[]> batches, int[] labels, int m, int batchSize) {
        Map<Integer, Integer> classSizes = new HashMap<>();
        for (int label : labels) {
            classSizes.merge(label, 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        for (int[] batch : batches) {
            assertEquals(batchSize, batch.length, "a whole batch");
            Map<Integer, List<Integer>> perClass = new TreeMap<>();
            for (int i : batch) {
                perClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
            }
            assertEquals(batchSize / m, perClass.size(), "classes per batch");
            perClass.forEach((label, rows) -> {
                assertEquals(m, rows.size(), "examples of class " + label);
                assertEquals(Math.min(m, classSizes.get(label)), rows.stream().distinct().count(),
                        "distinct examples of class " + label);
            });
            out.add(perClass.values().stream().map(rows -> rows.size() + "x" + rows.stream().distinct().count())
                    .sorted().toList().toString());
        }
        return out.stream().distinct().sorted().toList();
    }

    @Test
    void mPerClassBatchesHavePmlsComposition() throws IOException {
        JsonNode c = of("MPerClassSampler").get(0);
        int[] labels = ints(c.get("labels"));
        int m = c.get("params").get("m").asInt();
        int batchSize = c.get("params").get("batch_size").asInt();
        List<int[]> pml = new ArrayList<>();
        for (JsonNode b : c.get("pml_batches")) {
            pml.add(ints(b));
        }
        List<int[]> ours = new MPerClassSampler(m).epoch(labels, batchSize, new SplittableRandom(6));
        assertEquals(mPerClassCompositions(pml, labels, m, batchSize),
                mPerClassCompositions(ours, labels, m, batchSize));
        // PML draws length_before_new_iter rows; DML4J covers every row once per epoch (README)
        assertEquals(64, c.get("pml_length").asInt());
        assertEquals(labels.length, Arrays.stream(ours.stream().flatMapToInt(Arrays::stream)
                .toArray()).distinct().count());
    }

    @Test
    void tuplesToWeightsMatchesPmlsWeights() throws IOException {
        for (JsonNode c : of("TuplesToWeightsSampler")) {
            int[] labels = ints(c.get("labels"));
            double[][] rows = MAPPER.treeToValue(c.get("embeddings"), double[][].class);
            INDArray embeddings = Nd4j.create(rows).castTo(DataType.DOUBLE);
            double[] expected = MAPPER.treeToValue(c.get("expected_weights"), double[].class);
            IndexTuples mined = PmlTranslator.miner(c.get("miner")).mine(embeddings, labels);
            assertArrayEquals(expected, TuplesToWeightsSampler.weights(mined, labels.length), 1e-15);
            // the weights PML's sampler object holds after an iteration, in float32
            double[] pmlSampler = MAPPER.treeToValue(c.get("pml_sampler_weights"), double[].class);
            assertArrayEquals(pmlSampler, TuplesToWeightsSampler.weights(mined, labels.length), 1e-7);
            TuplesToWeightsSampler sampler = new TuplesToWeightsSampler(PmlTranslator.miner(c.get("miner")), 0);
            List<int[]> batches = sampler.epoch(embeddings, labels, 8, new SplittableRandom(4));
            int drawn = 0;
            for (int[] b : batches) {
                for (int i : b) {
                    assertTrue(expected[i] > 0, "drew example " + i + " of weight 0");
                    drawn++;
                }
            }
            assertEquals(labels.length, drawn);
        }
        assertArrayEquals(new double[]{1, 1}, TuplesToWeightsSampler.weights(null, 2));
        assertArrayEquals(new double[]{1, 1, 0.5, 0.5}, TuplesToWeightsSampler.weights(
                new TripletTuples(new int[]{0, 0}, new int[]{1, 1}, new int[]{2, 3}), 4));
        assertArrayEquals(new double[]{1, 1, 1}, TuplesToWeightsSampler.weights(
                new PairTuples(new int[0], new int[0], new int[0], new int[0]), 3));
    }
}
