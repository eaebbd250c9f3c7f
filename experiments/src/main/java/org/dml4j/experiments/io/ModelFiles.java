package org.dml4j.experiments.io;

import org.dml4j.model.EmbeddingModel;
import org.tribuo.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the model files {@code train --model-out} writes. */
public final class ModelFiles {

    private ModelFiles() {
    }

    /**
     * Loads an embedding model.
     *
     * @param file a file written by {@code train --model-out} (Tribuo protobuf)
     * @return the model
     * @throws UserError when the file is missing, unreadable or holds another kind of model
     */
    public static EmbeddingModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Model file not found: " + file + ". Give a file written by dml4j train "
                    + "--model-out FILE.");
        }
        Model<?> model;
        try {
            model = Model.deserializeFromFile(file);
        } catch (IOException | RuntimeException e) {
            throw new UserError("Cannot read the model " + file + ": " + e.getMessage() + ". Give a file written "
                    + "by dml4j train --model-out FILE (Tribuo protobuf).", e);
        }
        if (!(model instanceof EmbeddingModel embedding)) {
            throw new UserError(file + " holds a " + model.getClass().getSimpleName() + ", not a DML4J embedding "
                    + "model. Give a file written by dml4j train --model-out FILE.");
        }
        return embedding;
    }
}
