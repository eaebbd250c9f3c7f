package org.dml4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.model.protos.ChecksummedModelProto;
import org.dml4j.model.protos.EmbeddingModelProto;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.testutil.Clusters;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        return new MetricLearningTrainer(NetworkSpecs.parse(network), new ContrastiveLoss(), null,
                new org.dml4j.sampling.MPerClassSampler(4), new org.dml4j.nn.optim.Adam(), 2, 12, 1e-2, 3)
                .train(DATA);
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

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void committedModelFilesStillLoadAndPredictTheSame(int version) throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/models").toURI());
        EmbeddingModel model = (EmbeddingModel) Model.deserializeFromFile(
                dir.resolve(GoldenModelFiles.model(version))).castModel(Label.class);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve(GoldenModelFiles.expected(version)).toFile());
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
    void unknownVersionsAndCorruptDataAreRejectedClearly() throws InvalidProtocolBufferException {
        ModelProto proto = train("mlp:16,4").serialize();
        ModelProto future = proto.toBuilder().setVersion(EmbeddingModel.CURRENT_VERSION + 1).build();
        // Tribuo wraps what the model's reader throws; the reason is the root cause.
        String version = rootCause(assertThrows(IllegalStateException.class, () -> Model.deserialize(future)));
        assertTrue(version.contains("Unknown EmbeddingModel version " + (EmbeddingModel.CURRENT_VERSION + 1)),
                version);
        EmbeddingModelProto data = EmbeddingModelProto.parseFrom(proto.getSerializedData()
                .unpack(ChecksummedModelProto.class).getModel());
        ModelProto corrupt = withData(proto, EmbeddingModelProto.newBuilder().setMetadata(data.getMetadata())
                .build());
        assertThrows(RuntimeException.class, () -> Model.deserialize(corrupt));
        ModelProto wrongShape = withData(proto, data.toBuilder().setParameters(0, data.getParameters(0).toBuilder()
                .setTensor(data.getParameters(0).getTensor().toBuilder().setShape(0, 3))).build());
        String shape = rootCause(assertThrows(IllegalStateException.class, () -> Model.deserialize(wrongShape)));
        assertTrue(shape.contains("corrupt model data"), shape);
    }

    /** The model file with other data under a valid checksum. */
    private static ModelProto withData(ModelProto proto, EmbeddingModelProto data) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(data.toByteArray());
            return proto.toBuilder().setSerializedData(Any.pack(ChecksummedModelProto.newBuilder()
                    .setModel(data.toByteString()).setSha256(ByteString.copyFrom(sha)).build())).build();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A 4-byte change anywhere in the model data is an error, never different embeddings (issue 23). */
    @Test
    void aChangedFileIsRejectedByItsChecksum(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.dml4j");
        train("mlp:16,4").serializeToFile(file);
        byte[] bytes = Files.readAllBytes(file);
        for (int at : new int[]{bytes.length / 3, bytes.length / 2, bytes.length * 3 / 4, bytes.length - 10}) {
            byte[] changed = bytes.clone();
            for (int i = at; i < at + 4; i++) {
                changed[i] ^= (byte) 0x5A;
            }
            Path damaged = Files.write(dir.resolve("damaged-" + at + ".dml4j"), changed);
            String error = rootCause(assertThrows(RuntimeException.class, () -> Model.deserializeFromFile(damaged),
                    "bytes " + at + ".." + (at + 3) + " changed"));
            assertTrue(error.contains("checksum does not match"), error);
        }
    }

    /** Tribuo pipelines and distributed engines ship models by Java serialization; the copy must predict. */
    @Test
    void javaSerializationGoesThroughTheProtobufProxy() throws IOException, ClassNotFoundException {
        EmbeddingModel model = train("mlp:16,4:batch-norm=true");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(model);
        }
        EmbeddingModel copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (EmbeddingModel) in.readObject();
        }
        assertEquals(model.getProvenance(), copy.getProvenance());
        assertEquals(model.toString(), copy.toString());
        for (Example<Label> e : DATA) {
            assertArrayEquals(model.embed(e), copy.embed(e), 0f);
            assertEquals(model.predict(e).getOutputScores(), copy.predict(e).getOutputScores());
        }
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
