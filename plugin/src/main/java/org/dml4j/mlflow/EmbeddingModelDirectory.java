package org.dml4j.mlflow;

import org.dml4j.model.EmbeddingModel;
import org.tribuo.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads an {@link EmbeddingModel} back from a downloaded MLflow model directory that {@link ModelDirectory} wrote
 * (e.g. {@code mlflow artifacts download -u models:/<model id>}): its Tribuo protobuf
 * ({@value ModelDirectory#TRIBUO_FILE}) and, when the directory holds one, the model's nearest-neighbour index
 * ({@value ModelDirectory#INDEX_FILE}), which is used only after its recorded model digest matched the loaded
 * model's ({@link EmbeddingModel#useIndex}).
 */
public final class EmbeddingModelDirectory {

    private EmbeddingModelDirectory() {
    }

    /**
     * Loads the model, and its index when the directory holds one.
     *
     * @param directory the model directory
     * @return the model, searching through its index when one was logged with it
     * @throws IOException              when a file cannot be read
     * @throws IllegalArgumentException when the directory holds no DML4J embedding model, or its index is damaged
     *                                  or was built for another model
     */
    public static EmbeddingModel load(Path directory) throws IOException {
        Path modelFile = directory.resolve(ModelDirectory.TRIBUO_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException(directory + " has no " + ModelDirectory.TRIBUO_FILE + "; give the "
                    + "folder of a model logged by DML4J (download it with: mlflow artifacts download -u "
                    + "models:/<model id>)");
        }
        Model<?> model = Model.deserializeFromFile(modelFile);
        if (!(model instanceof EmbeddingModel embedding)) {
            throw new IllegalArgumentException(modelFile + " holds a " + model.getClass().getSimpleName()
                    + ", not a DML4J embedding model");
        }
        Path index = directory.resolve(ModelDirectory.INDEX_FILE);
        if (Files.exists(index)) {
            embedding.useIndex(index);
        }
        return embedding;
    }
}
