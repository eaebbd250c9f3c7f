package org.dml4j.experiments.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The step benchmark runs a real training step per loss and reports every phase, as run-bench.sh parses it. */
class PeerBenchStepTest {

    @Test
    void reportsEveryPhaseOfEachReferenceLoss(@TempDir Path dir) throws IOException {
        int rows = 256;
        int columns = 16;
        ByteBuffer input = ByteBuffer.allocate(rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random random = new Random(1);
        for (int i = 0; i < rows * columns; i++) {
            input.putFloat((float) random.nextGaussian());
        }
        ByteBuffer labels = ByteBuffer.allocate(rows * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            labels.putInt(i / 32);
        }
        Files.write(dir.resolve("emb.f32"), input.array());
        Files.write(dir.resolve("labels.i32"), labels.array());

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            PeerBench.main(new String[]{"step", dir.toString(), "0", "2"});
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("RESULT ")).toList();
        assertEquals(2 * 5 + 2 * 6, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("RESULT step_contrastive_miner ")), "no miner, no line");
        for (String loss : List.of("contrastive", "proxy_nca", "multi_similarity", "triplet_semihard")) {
            boolean mined = loss.equals("multi_similarity") || loss.equals("triplet_semihard");
            for (String phase : mined ? List.of("forward", "miner", "loss", "backward", "optimizer", "total")
                    : List.of("forward", "loss", "backward", "optimizer", "total")) {
                String name = "step_" + loss + "_" + phase;
                String line = lines.stream().filter(l -> l.startsWith("RESULT " + name + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + name));
                String[] fields = line.split(" ");
                assertEquals("2", fields[5], line);
                assertTrue(Double.parseDouble(fields[2]) >= 0, line);
            }
            double total = median(lines, "step_" + loss + "_total");
            double forward = median(lines, "step_" + loss + "_forward");
            assertTrue(total > forward && forward > 0, loss + ": total " + total + ", forward " + forward);
        }
    }

    private static double median(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith("RESULT " + name + " ")).findFirst()
                .map(l -> Double.parseDouble(l.split(" ")[2])).orElseThrow();
    }
}
