package org.dml4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.protos.EmbeddingModelProto;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.testutil.Clusters;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingModelSerializationTest {

    private static final MutableDataset<Label> DATA = Clusters.dataset(3, 20, 10, 1.0, 100);

    private static EmbeddingModel train(String network) {
        return new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss())
                .withTraining(2, 12, 1e-2, 3).withParts(null, new org.dml4j.sampling.MPerClassSampler(4),
                        new org.dml4j.nn.optim.Adam()).train(DATA);
    }

    @Test
    void roundTripKeepsEverything(@TempDir Path dir) throws IOException {
        for (String network : List.of("mlp:16,4", "mlp:16,4:batch-norm=true,dropout=0.2")) {
            EmbeddingModel model = train(network);
            Path file = dir.resolve("model.dml4j");
            model.serializeToFile(file);
            EmbeddingModel loaded = (EmbeddingModel) Model.deserializeFromFile(file).castModel(Label.class);
            assertEquals(model.getProvenance(), loaded.getProvenance());
            assertEquals(model.toString(), loaded.toString());
            for (Example<Label> e : DATA) {
                assertArrayEquals(model.embed(e), loaded.embed(e), 0f, network);
                Prediction<Label> a = model.predict(e);
                Prediction<Label> b = loaded.predict(e);
                assertEquals(a.getOutput(), b.getOutput());
                assertEquals(a.getOutputScores(), b.getOutputScores());
            }
        }
    }

    @Test
    void committedModelFileStillLoadsAndPredictsTheSame() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/models").toURI());
        EmbeddingModel model = (EmbeddingModel) Model.deserializeFromFile(dir.resolve(GoldenModelFiles.MODEL))
                .castModel(Label.class);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve(GoldenModelFiles.EXPECTED).toFile());
        int i = 0;
        for (Example<Label> e : GoldenModelFiles.probes()) {
            float[] embedding = model.embed(e);
            for (int k = 0; k < embedding.length; k++) {
                assertEquals(expected.get("embeddings").get(i).get(k).floatValue(), embedding[k], 1e-6f);
            }
            assertEquals(expected.get("predictions").get(i).asText(), model.predict(e).getOutput().getLabel());
            i++;
        }
    }

    @Test
    void predictionsAndExcusesComeFromTheNearestReferences() {
        EmbeddingModel model = train("mlp:16,4");
        Example<Label> example = DATA.getExample(0);
        Prediction<Label> p = model.predict(example);
        double total = p.getOutputScores().values().stream().mapToDouble(Label::getScore).sum();
        assertEquals(1.0, total, 1e-12, "scores are vote shares");
        Excuse<Label> excuse = model.getExcuse(example).orElseThrow();
        List<com.oracle.labs.mlrg.olcut.util.Pair<String, Double>> nearest = excuse.getScores().get("nearest-references");
        assertEquals(model.neighbours(), nearest.size());
        assertTrue(nearest.get(0).getA().startsWith("row=0 "), "an example's nearest reference is itself: "
                + nearest.get(0));
        // |a|² + |b|² - 2 a·b with a float32 product: zero up to float32 rounding of unit-norm embeddings.
        assertEquals(0.0, nearest.get(0).getB(), 1e-6);
    }

    @Test
    void unknownVersionsAndCorruptDataAreRejectedClearly() {
        ModelProto proto = train("mlp:16,4").serialize();
        ModelProto future = proto.toBuilder().setVersion(EmbeddingModel.CURRENT_VERSION + 1).build();
        // Tribuo wraps what the model's reader throws; the reason is the root cause.
        String version = rootCause(assertThrows(IllegalStateException.class, () -> Model.deserialize(future)));
        assertTrue(version.contains("Unknown EmbeddingModel version 2"), version);
        ModelProto corrupt = proto.toBuilder().setSerializedData(Any.pack(EmbeddingModelProto.newBuilder()
                .setMetadata(proto.getSerializedData().getValue()).build())).build();
        assertThrows(RuntimeException.class, () -> Model.deserialize(corrupt));
        ModelProto wrongShape;
        try {
            EmbeddingModelProto data = proto.getSerializedData().unpack(EmbeddingModelProto.class);
            wrongShape = proto.toBuilder().setSerializedData(Any.pack(data.toBuilder().setParameters(0,
                    data.getParameters(0).toBuilder().setTensor(data.getParameters(0).getTensor().toBuilder()
                            .setShape(0, 3))).build())).build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        String shape = rootCause(assertThrows(IllegalStateException.class, () -> Model.deserialize(wrongShape)));
        assertTrue(shape.contains("corrupt model data"), shape);
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Test
    void predictingWithoutKnownFeaturesIsAnError() {
        EmbeddingModel model = train("mlp:16,4");
        Example<Label> stranger = new org.tribuo.impl.ArrayExample<>(new Label("0"), new String[]{"nope"},
                new double[]{1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predict(stranger));
        assertTrue(e.getMessage().contains("No features found"), e.getMessage());
    }
}
