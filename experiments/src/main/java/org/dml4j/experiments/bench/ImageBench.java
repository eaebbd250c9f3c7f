package org.dml4j.experiments.bench;

import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nd.Workspaces;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.ParameterGroup;
import org.dml4j.nn.optim.Updater;
import org.dml4j.train.MinedLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The DML4J side of the image-network benchmark ({@code run-bench.sh --parts cnn}; the peer is
 * {@code peer_bench.py image}): training epochs of an image network on the images in {@code DIR/x.f32} (raw
 * little-endian float32, N × C·H·W in NCHW order) and {@code DIR/labels.i32}, as the trainer runs them (batches of 8
 * classes × 32 images, contrastive loss with PML's defaults, Adam 1e-3, each step in a reused workspace with one
 * OpenMP thread for ND4J's element-wise ops), then the embedding of the first EMBED images in blocks of 256 (inference). Prints
 * {@code RESULT epoch_NAME} (the last epoch's milliseconds), {@code RESULT embed_NAME}
 * (milliseconds for the first EMBED images, images per second) and {@code RESULT peak_rss_mib_NAME} (the process's
 * peak resident set size, VmHWM, in MiB: the figure is in MiB, not milliseconds).
 */
final class ImageBench {

    private static final int CLASSES_PER_BATCH = 8;
    private static final int PER_CLASS = 32;

    private ImageBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param dir     the data directory
     * @param name    the workload's name in the output
     * @param spec    the network spec, e.g. {@code cnn:32,64,128}
     * @param epochs  the epochs to train (the last is timed)
     * @param steps   the steps per epoch (0: a full epoch, N / 256 steps)
     * @param embed   how many of the images (the first) to embed (0: all)
     * @throws IOException if the input files cannot be read
     */
    static void run(Path dir, String name, String spec, int epochs, int steps, int embed) throws IOException {
        int[] labels = PeerBench.readInts(dir.resolve("labels.i32"));
        INDArray images = readRows(dir.resolve("x.f32"), labels.length);
        EmbeddingNetwork network = NetworkSpecs.parse(spec).build(images.columns(), 0, DataType.FLOAT);
        MetricLoss loss = new ContrastiveLoss().forTraining(0);
        MinedLoss minedLoss = new MinedLoss(loss, null);
        Updater updater = new Adam().newUpdater();
        int numClasses = java.util.Arrays.stream(labels).max().orElse(0) + 1;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        int batch = CLASSES_PER_BATCH * PER_CLASS;
        int perEpoch = steps > 0 ? steps : labels.length / batch;
        SplittableRandom rng = new SplittableRandom(0);
        double lastMs = 0;
        double lastLoss = 0;
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                long start = System.nanoTime();
                double sum = 0;
                for (int s = 0; s < perEpoch; s++) {
                    int[] rows = mPerClass(byClass, rng);
                    int[] batchLabels = new int[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        batchLabels[i] = labels[rows[i]];
                    }
                    try (MemoryWorkspace ignored = Workspaces.pass("DML4J_BENCH_IMAGE")) {
                        INDArray x = images.getRows(rows);
                        INDArray embeddings = network.forward(x, true);
                        LossResult result = minedLoss.mine(embeddings, batchLabels, null).loss();
                        network.backwardParameters(result.embeddingGradient());
                        updater.step(List.of(new ParameterGroup(network.parameters(), network.gradients(), 1.0)),
                                1e-3);
                        sum += result.value();
                    }
                }
                lastMs = (System.nanoTime() - start) / 1e6;
                lastLoss = sum / perEpoch;
            }
            PeerBench.print("epoch_" + name, new double[]{lastMs}, String.format(Locale.ROOT,
                    "steps=%d ms_per_step=%.1f mean_loss=%.5f", perEpoch, lastMs / perEpoch, lastLoss));
            int n = embed > 0 ? Math.min(embed, labels.length) : labels.length;
            long start = System.nanoTime();
            INDArray embedded = network.embedInBlocks(images.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()),
                    batch);
            double ms = (System.nanoTime() - start) / 1e6;
            PeerBench.print("embed_" + name, new double[]{ms}, String.format(Locale.ROOT,
                    "images=%d images_per_s=%.1f checksum=%.4f", n, n / (ms / 1e3),
                    embedded.sumNumber().doubleValue()));
            PeerBench.print("peak_rss_mib_" + name, new double[]{PeerBench.vmHwmKiB() >> 10}, "");
        }
    }

    /** A batch of 8 random distinct classes × 32 random images of each (drawn with replacement when fewer). */
    private static int[] mPerClass(List<List<Integer>> byClass, SplittableRandom rng) {
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            if (!byClass.get(c).isEmpty()) {
                classes.add(c);
            }
        }
        int[] rows = new int[CLASSES_PER_BATCH * PER_CLASS];
        for (int k = 0; k < CLASSES_PER_BATCH; k++) {
            List<Integer> members = byClass.get(classes.remove(rng.nextInt(classes.size())));
            for (int i = 0; i < PER_CLASS; i++) {
                rows[k * PER_CLASS + i] = members.get(rng.nextInt(members.size()));
            }
        }
        return rows;
    }

    /** Reads N rows of raw float32 straight into an array (no Java-heap copy of the data set). */
    private static INDArray readRows(Path file, int n) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long values = channel.size() / Float.BYTES;
            INDArray out = Nd4j.create(DataType.FLOAT, new long[]{n, values / n}, 'c');
            ByteBuffer target = out.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
            while (target.hasRemaining() && channel.read(target) >= 0) {
                // reads until the buffer is full
            }
            return out;
        }
    }
}
