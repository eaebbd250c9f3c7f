package org.dml4j.experiments.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.nd.NativeOpThreads;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark (not a test) of embedding speed: a saved {@link EmbeddingModel} (the quickstart's) on Fashion-MNIST
 * test images in batches of 256, through DML4J ({@code EmbeddingModel.embed}) and through its ONNX export in
 * onnxruntime's Java API with 1 and 2 intra-op threads (no spinning), each end to end (Tribuo examples in, embeddings out) and
 * network only (a prepared dense batch in). The paths alternate batch by batch in every round (the first round is a
 * warm-up), so load on a shared machine hits them alike; prints the median milliseconds per batch and the ratios,
 * and the largest difference between the two paths' embeddings.
 * <p>
 * Usage: {@code java -cp ... org.dml4j.experiments.bench.OnnxBenchmark MODEL_FILE [ROUNDS] [BATCHES]} (defaults 6
 * rounds of 39 batches, the 10,000 test images). Set {@code OMP_NUM_THREADS} before the JVM starts.
 */
public final class OnnxBenchmark {

    private static final int BATCH = 256;
    private static final String[] PATHS = {"dml4j end-to-end", "ort-1 end-to-end", "ort-2 end-to-end",
            "dml4j network", "ort-1 network", "ort-2 network"};

    private OnnxBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the model file, then optionally the rounds and the batches per round
     * @throws IOException  when the model or the images cannot be read
     * @throws OrtException when onnxruntime fails
     */
    public static void main(String[] args) throws IOException, OrtException {
        EmbeddingModel model = (EmbeddingModel) Model.deserializeFromFile(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        MnistDataSource source = MnistDataSource.of(MnistFiles.locate(null), MnistFiles.Split.TEST);
        List<Example<Label>> examples = new ArrayList<>();
        source.forEach(examples::add);
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : examples.size() / BATCH;
        List<List<Example<Label>>> inputs = new ArrayList<>();
        List<INDArray> dense = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Example<Label>> batch = examples.subList(b * BATCH, (b + 1) * BATCH);
            inputs.add(batch);
            dense.add(Nd4j.createFromArray(model.onnxInput(batch)));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx = model.exportONNXModel("org.dml4j.bench", 1).toByteArray();
        System.out.printf(Locale.ROOT, "OnnxBenchmark %s batch=%d batches=%d rounds=%d cores=%d OMP_NUM_THREADS=%s"
                        + " onnxruntime=%s%n", model, BATCH, batches, rounds,
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"), env.getVersion());
        try (OrtSession one = session(env, onnx, 1); OrtSession two = session(env, onnx, 2)) {
            double worst = 0;
            double[][] millis = new double[PATHS.length][(rounds - 1) * batches];
            for (int r = 0; r < rounds; r++) {
                for (int b = 0; b < batches; b++) {
                    List<Example<Label>> batch = inputs.get(b);
                    INDArray rows = dense.get(b);
                    long[] t = new long[PATHS.length + 1];
                    t[0] = System.nanoTime();
                    INDArray expected = model.embed(batch);
                    t[1] = System.nanoTime();
                    float[][] actual = run(env, one, model.onnxInput(batch));
                    t[2] = System.nanoTime();
                    run(env, two, model.onnxInput(batch));
                    t[3] = System.nanoTime();
                    try (NativeOpThreads limit = NativeOpThreads.limit(1)) { // as EmbeddingModel.embed runs it
                        model.network().embed(rows);
                    }
                    t[4] = System.nanoTime();
                    float[][] matrix = rows.toFloatMatrix();
                    run(env, one, matrix);
                    t[5] = System.nanoTime();
                    run(env, two, matrix);
                    t[6] = System.nanoTime();
                    if (r > 0) {
                        for (int p = 0; p < PATHS.length; p++) {
                            millis[p][(r - 1) * batches + b] = (t[p + 1] - t[p]) / 1e6;
                        }
                    }
                    worst = Math.max(worst, Nd4j.createFromArray(actual).sub(expected).amaxNumber().doubleValue());
                }
            }
            double[] medians = new double[PATHS.length];
            for (int p = 0; p < PATHS.length; p++) {
                Arrays.sort(millis[p]);
                medians[p] = millis[p][millis[p].length / 2];
                System.out.printf(Locale.ROOT, "%-18s median %.3f ms/batch (p10 %.3f, p90 %.3f)%s%n", PATHS[p],
                        medians[p], millis[p][millis[p].length / 10], millis[p][millis[p].length * 9 / 10],
                        p % 3 == 0 ? "" : String.format(Locale.ROOT, "  ratio to dml4j %.2f",
                                medians[p] / medians[p - p % 3]));
            }
            System.out.printf(Locale.ROOT, "largest |onnxruntime - dml4j| = %.2e%n", worst);
        }
    }

    private static OrtSession session(OrtEnvironment env, byte[] onnx, int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        // no busy-waiting between ops (as OMP_WAIT_POLICY=PASSIVE for ND4J): on a shared machine spinning steals CPU
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return env.createSession(onnx, options);
    }

    /**
     * One batch through a session: the rows copied into a direct buffer (onnxruntime's fast path; a {@code float[][]}
     * input is converted element by element), the embeddings read from the output buffer.
     */
    private static float[][] run(OrtEnvironment env, OrtSession session, float[][] rows) throws OrtException {
        int width = rows[0].length;
        FloatBuffer input = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (float[] row : rows) {
            input.put(row);
        }
        input.rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, new long[]{rows.length, width});
             OrtSession.Result result = session.run(Map.of(EmbeddingModel.ONNX_INPUT, tensor))) {
            FloatBuffer output = ((OnnxTensor) result.get(EmbeddingModel.ONNX_OUTPUT).orElseThrow()).getFloatBuffer();
            float[][] embeddings = new float[rows.length][output.capacity() / rows.length];
            for (float[] embedding : embeddings) {
                output.get(embedding);
            }
            return embeddings;
        }
    }
}
