package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.index.ExactIndexSpec;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.baseline.DummyClassifierTrainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model directories of Tribuo models: which files and flavors each kind of model gets. */
class ModelDirectoryTest {

    private static final MutableDataset<Label> DATA = TrainedModels.data();
    private static final String CREATED = "2026-12-07 06:00:00.000000";

    @TempDir
    Path temp;

    @Test
    void anIndexIsWrittenIntoTheDirectoryOnlyForTheModelItWasBuiltFrom() throws Exception {
        EmbeddingModel model = TrainedModels.train("mlp:16,8", DATA);
        model.buildIndex(new ExactIndexSpec());
        Path index = temp.resolve("exact.index");
        model.saveIndex(index);
        Path folder = Files.createDirectories(temp.resolve("with-index"));
        ModelDirectory directory = ModelDirectory.write(model, folder, CREATED, index);
        assertEquals(Files.mismatch(index, directory.files().get(ModelDirectory.INDEX_FILE)), -1L);
        Map<?, ?> dml4j = (Map<?, ?>) ((Map<?, ?>) directory.content().get("flavors")).get("dml4j");
        assertEquals(ModelDirectory.INDEX_FILE, dml4j.get(ModelDirectory.INDEX_KEY));
        assertEquals(64, ((String) dml4j.get(ModelDirectory.DIGEST_KEY)).length());

        EmbeddingModel other = TrainedModels.train("mlp:16,4", DATA);
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.write(other, Files.createDirectories(temp.resolve("other")), CREATED, index));
        assertTrue(foreign.getMessage().contains("was built for another model"), foreign.getMessage());
        Path notAnIndex = Files.writeString(temp.resolve("notes.txt"), "not an index");
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> ModelDirectory.checkIndex(model, notAnIndex));
        assertTrue(garbage.getMessage().contains("is not a DML4J index file"), garbage.getMessage());
    }

    @Test
    void anEmbeddingModelGetsTheTribuoOnnxAndPythonFunctionFlavorsAndASignature() throws Exception {
        EmbeddingModel model = TrainedModels.train("mlp:16,8", DATA);
        ModelDirectory directory = ModelDirectory.write(model, temp, CREATED);
        assertEquals(List.of("model.tribuo", "model.onnx", "requirements.txt"), List.copyOf(directory.files().keySet()));
        assertTrue(directory.hasOnnx());
        assertNull(directory.onnxProblem());
        List<String> requirements = Files.readAllLines(directory.files().get("requirements.txt"));
        List<String> testedPins = Files.readAllLines(Path.of("..", "scripts", "requirements-mlflow.txt")).stream()
                .filter(line -> line.startsWith("onnx")).toList();
        assertEquals(2, testedPins.size(), "onnx and onnxruntime pins in scripts/requirements-mlflow.txt");
        assertTrue(requirements.containsAll(testedPins) && requirements.contains("mlflow>=3.1,<4"),
                "the model's requirements pin what the tests load it with: " + requirements);
        Map<?, ?> flavors = (Map<?, ?>) directory.content().get("flavors");
        assertEquals(List.of("dml4j", "onnx", "python_function"), List.copyOf(flavors.keySet()));
        assertEquals(Map.of("data", "model.onnx", "loader_module", "mlflow.onnx"), flavors.get("python_function"));
        JsonNode inputs = new ObjectMapper().readTree((String) ((Map<?, ?>) directory.content().get("signature"))
                .get("inputs"));
        assertEquals("[{\"name\":\"input\",\"type\":\"tensor\",\"tensor-spec\":{\"dtype\":\"float32\",\"shape\":"
                + "[-1,64]}}]", inputs.toString());
        Model<?> loaded = Model.deserializeFromFile(directory.files().get("model.tribuo"));
        assertEquals(model.getProvenance(), loaded.getProvenance());
        String yaml = new MlModelFile(directory.content()).yaml();
        assertTrue(yaml.contains("  onnx:\n    data: \"model.onnx\"\n") && yaml.contains("    providers:\n"
                + "    - \"CPUExecutionProvider\"\n"), yaml);
    }

    @Test
    void aTribuoModelWithoutOnnxExportKeepsItsTribuoFlavorOnly() throws Exception {
        Model<Label> model = DummyClassifierTrainer.createMostFrequentTrainer().train(DATA);
        ModelDirectory directory = ModelDirectory.write(model, temp, CREATED);
        assertEquals(List.of("model.tribuo"), List.copyOf(directory.files().keySet()));
        assertEquals(List.of("dml4j"), List.copyOf(((Map<?, ?>) directory.content().get("flavors")).keySet()));
        assertFalse(directory.content().containsKey("signature"));
        assertNull(directory.onnxProblem(), "not a failure: the model is not ONNX-exportable");
    }

    @Test
    void aFailedExportIsNamedAndTheModelKeepsItsTribuoFlavor() throws Exception {
        EmbeddingModel trained = TrainedModels.train("mlp:16,8", DATA);
        List<Layer> layers = new java.util.ArrayList<>(trained.network().layers());
        layers.add(new UnknownBlock());
        EmbeddingModel model = new EmbeddingModel("custom", trained.getProvenance(), trained.getFeatureIDMap(),
                trained.getOutputIDInfo(), new EmbeddingNetwork(layers), "mlp:16,8", trained.references(), 3,
                trained.distance());
        ModelDirectory directory = ModelDirectory.write(model, temp, CREATED);
        assertEquals(List.of("model.tribuo"), List.copyOf(directory.files().keySet()));
        assertFalse(Files.exists(temp.resolve("model.onnx")));
        assertTrue(directory.onnxProblem().startsWith("EmbeddingModel 'custom' could not be exported to ONNX"
                + " (Cannot export layer " + (layers.size() - 1) + " (MyCustomBlock, "), directory.onnxProblem());
    }

    /** A block the ONNX writer has no operators for. */
    private static final class UnknownBlock implements Layer {
        @Override
        public INDArray forward(INDArray input, boolean training) {
            return input;
        }

        @Override
        public INDArray backward(INDArray gradOutput) {
            return gradOutput;
        }

        @Override
        public Layer copy() {
            return new UnknownBlock();
        }

        @Override
        public String toString() {
            return "MyCustomBlock";
        }
    }
}
