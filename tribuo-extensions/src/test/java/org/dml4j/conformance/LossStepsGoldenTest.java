package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.loss.DynamicSoftMarginLoss;
import org.dml4j.loss.LossResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loss that keeps state between batches ({@code DynamicSoftMarginLoss}'s running histogram) over consecutive
 * calls, against PML 2.8.1 with its histogram detached after each step ({@code golden-steps/*.json}, schema
 * {@code dml-golden/loss-steps/v1}, written by {@code experiments/bench/pml-golden-losses-c.py}): value, gradient and
 * histogram after every step, with the golden schema's tolerances.
 */
class LossStepsGoldenTest {

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void dynamicSoftMarginStepsMatchPml(DataType precision) throws IOException, URISyntaxException {
        JsonNode root = new ObjectMapper().readTree(Path.of(LossStepsGoldenTest.class
                .getResource("/golden-steps/dynamic_soft_margin_steps.json").toURI()).toFile());
        DynamicSoftMarginLoss loss = (DynamicSoftMarginLoss) PmlTranslator.loss(root.path("loss"));
        Tolerance tolerance = Tolerance.forPrecision(precision);
        int step = 0;
        for (JsonNode s : root.path("steps")) {
            int[] labels = GoldenJson.ints(s.get("labels"), "labels");
            INDArray x = GoldenJson.embeddings(s.get("embeddings"), "embeddings", labels, "labels", precision);
            LossResult result = loss.compute(x, labels);
            JsonNode expected = s.path("expected");
            double lossRatio = tolerance.lossRatio(result.value(), expected.get("loss").asDouble());
            double gradRatio = tolerance.gradientRatio(
                    result.embeddingGradient().castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                    GoldenJson.flatten(GoldenJson.matrix(expected.get("grad_embeddings"), "grad_embeddings")));
            double[] histogram = new double[expected.get("histogram").size()];
            for (int r = 0; r < histogram.length; r++) {
                histogram[r] = expected.get("histogram").get(r).asDouble();
            }
            double histogramRatio = tolerance.gradientRatio(loss.histogram(), histogram);
            assertTrue(lossRatio <= 1 && gradRatio <= 1 && histogramRatio <= 1, "step " + step + ": loss "
                    + lossRatio + ", gradient " + gradRatio + ", histogram " + histogramRatio + " of the tolerance");
            step++;
        }
        assertTrue(step >= 2, "the case has consecutive steps");
    }
}
