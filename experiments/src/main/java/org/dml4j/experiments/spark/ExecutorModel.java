package org.dml4j.experiments.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.index.KnnDistance;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.experiments.io.UserError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.VariableInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A saved model on the executors: the driver broadcasts the file's bytes (Tribuo protobuf) without parsing them, and
 * each task that embeds loads the model from them, so a model the executors cannot load (another DML4J, a damaged
 * file) fails on the executors with a message saying so.
 */
final class ExecutorModel {

    private ExecutorModel() {
    }

    /**
     * What the driver needs of the model, from an executor that loaded it.
     *
     * @param distance   the distance it was trained with
     * @param provenance its provenance
     */
    record Description(KnnDistance distance, ModelProvenance provenance) implements Serializable {
    }

    /**
     * Loads the model on one executor (a one-task job), so that a model the executors cannot load fails at once.
     *
     * @param spark the application
     * @param model the broadcast model file
     * @param file  its name, for messages
     * @return its distance and provenance
     * @throws UserError when it does not load on the executor
     */
    static Description describe(JavaSparkContext spark, Broadcast<byte[]> model, String file) {
        return SparkJobs.run("load the model " + file, () -> spark.parallelize(List.of(file), 1).map(name -> {
            EmbeddingModel loaded = load(model.value(), name);
            return new Description(loaded.distance(), loaded.getProvenance());
        }).first());
    }

    /**
     * Loads the model from its bytes (on an executor).
     *
     * @param bytes the model file's bytes
     * @param file  its name, for messages
     * @return the model
     * @throws ExecutorFailure when the bytes are not a DML4J embedding model this executor can load
     */
    static EmbeddingModel load(byte[] bytes, String file) {
        Model<?> model;
        try {
            model = Model.deserializeFromStream(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new ExecutorFailure("The model " + file + " does not load on the executors (" + e + "). Give a file "
                    + "written by dml4j train --model-out FILE, and the same DML4J on the executors as here.", e);
        }
        if (!(model instanceof EmbeddingModel embedding)) {
            throw new ExecutorFailure(file + " holds a " + model.getClass().getSimpleName() + ", not a DML4J "
                    + "embedding model. Give a file written by dml4j train --model-out FILE.", null);
        }
        return embedding;
    }

    /**
     * Embeds parsed CSV rows as one shard (on an executor), in the model's blocks from the shard's first row.
     *
     * @param model  the model
     * @param offset the global index of the first row
     * @param rows   the rows, in order
     * @param ids    label name to id
     * @param source the file, for messages
     * @return the shard
     * @throws ExecutorFailure when the rows lack a feature of the model, or an embedding is not finite
     */
    static GalleryShard embed(EmbeddingModel model, int offset, List<CsvGallery.Row> rows, Map<String, Integer> ids,
                              String source) {
        Set<String> names = new HashSet<>(List.of(rows.get(0).names()));
        for (VariableInfo feature : model.getFeatureIDMap()) {
            if (!names.contains(feature.getName())) {
                throw new ExecutorFailure(source + " lacks the feature '" + feature.getName() + "' the model was "
                        + "trained on. Give the data (and --label-column) the model was trained with.", null);
            }
        }
        List<Example<Label>> examples = new ArrayList<>(rows.size());
        int[] labels = new int[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            CsvGallery.Row row = rows.get(i);
            examples.add(new ArrayExample<>(new Label(row.label()), row.names(), row.values()));
            labels[i] = ids.get(row.label());
        }
        INDArray embedded = model.embed(examples);
        float[] values = embedded.data().asFloat();
        for (int v = 0; v < values.length; v++) {
            if (!Float.isFinite(values[v])) {
                int row = v / embedded.columns();
                throw new ExecutorFailure("row " + (offset + row) + " of " + source + " (line " + (offset + row + 2)
                        + ", label '" + rows.get(row).label() + "') has a non-finite embedding: check that row's "
                        + "features, and that the model did not diverge in training.", null);
            }
        }
        return new GalleryShard(offset, embedded.columns(), values, labels);
    }
}
