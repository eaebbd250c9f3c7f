package org.dml4j.train;

import org.dml4j.data.DenseData;
import org.dml4j.model.ReferenceSet;
import org.dml4j.nn.EmbeddingNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;

import java.util.Arrays;
import java.util.stream.IntStream;

/** Builds a trained model's reference set from the training data. */
final class References {

    private References() {
    }

    static ReferenceSet build(EmbeddingNetwork network, DenseData train, ImmutableOutputInfo<Label> outputInfo,
                              ReferenceSet.Kind kind) {
        INDArray embeddings = network.embedInBlocks(train.features(), TrainingRun.EMBED_BLOCK);
        int[] outputIds = new int[train.size()];
        for (int i = 0; i < outputIds.length; i++) {
            String name = train.labelIndex().name(train.labels()[i]);
            outputIds[i] = outputInfo.getID(new Label(name));
        }
        if (kind == ReferenceSet.Kind.TRAINING_SET) {
            return new ReferenceSet(embeddings, outputIds, IntStream.range(0, outputIds.length).toArray(), kind);
        }
        int classes = train.labelIndex().size();
        double[][] sums = new double[classes][embeddings.columns()];
        int[] counts = new int[classes];
        double[][] rows = embeddings.castTo(DataType.DOUBLE).toDoubleMatrix();
        for (int i = 0; i < rows.length; i++) {
            int c = train.labels()[i];
            counts[c]++;
            for (int k = 0; k < rows[i].length; k++) {
                sums[c][k] += rows[i][k];
            }
        }
        int present = (int) IntStream.of(counts).filter(n -> n > 0).count();
        double[][] centroids = new double[present][];
        int[] centroidIds = new int[present];
        int next = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                continue;
            }
            for (int k = 0; k < sums[c].length; k++) {
                sums[c][k] /= counts[c];
            }
            centroids[next] = sums[c];
            centroidIds[next++] = outputInfo.getID(new Label(train.labelIndex().name(c)));
        }
        int[] noRows = new int[present];
        Arrays.fill(noRows, -1);
        return new ReferenceSet(Nd4j.create(centroids).castTo(embeddings.dataType()), centroidIds, noRows, kind);
    }
}
