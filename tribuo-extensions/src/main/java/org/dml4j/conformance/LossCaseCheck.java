package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.loss.ClassParameterLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.dml4j.regularize.RegularizedLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks one loss case ({@code dml-golden/loss/v1}): builds the loss (and miner) the case describes, runs DML4J's
 * miner and compares its tuples with PML's, computes the loss on DML4J's tuples, and compares the value and every
 * gradient. Where PML returns NaN (a mean over no terms) DML4J returns 0 with a zero gradient by design; that
 * counts as a pass and says so.
 */
final class LossCaseCheck {

    private LossCaseCheck() {
    }

    static CaseResult run(JsonNode root, DataType precision) {
        String id = root.path("case_id").asText("?");
        Tolerance tolerance = Tolerance.forPrecision(precision);
        JsonNode inputs = root.path("inputs");
        int[] labels = GoldenJson.ints(inputs.get("labels"), "inputs.labels");
        INDArray embeddings = GoldenJson.embeddings(inputs.get("embeddings"), "inputs.embeddings", labels,
                "inputs.labels", precision);
        MetricLoss loss = PmlTranslator.loss(root.path("loss"));
        MetricLoss core = loss instanceof RegularizedLoss regularized ? regularized.loss() : loss;
        double[][] classVectors = classVectors(inputs);
        if (core instanceof ClassParameterLoss parametric) {
            if (classVectors == null) {
                throw new CaseFormatException(id + ": " + parametric.getClass().getSimpleName()
                        + " needs inputs.proxies or inputs.W");
            }
            parametric.setClassVectors(Nd4j.create(classVectors).castTo(precision));
        }
        IndexTuples tuples = null;
        StringBuilder detail = new StringBuilder();
        JsonNode minerSpec = root.path("miner");
        if (!minerSpec.isMissingNode() && !minerSpec.isNull()) {
            Miner miner = PmlTranslator.miner(minerSpec);
            tuples = miner.mine(embeddings, labels);
            TupleRows got = TupleRows.of(tuples);
            String difference = got.differenceFrom(TupleRows.fromColumns(root.path("mined_indices")));
            if (difference != null) {
                return CaseResult.failure(id, "miner differs from PML: " + difference);
            }
            detail.append("mined=").append(got.count()).append(' ');
        }
        LossResult result = loss.compute(embeddings, labels, tuples);
        JsonNode expected = root.path("expected");
        double expectedLoss = GoldenJson.number(expected.get("loss"), "expected.loss");
        double[] expectedGrad = GoldenJson.flatten(GoldenJson.matrix(expected.get("grad_embeddings"),
                "expected.grad_embeddings", embeddings.rows(), embeddings.columns()));
        double[] gotGrad = result.embeddingGradient().castTo(DataType.DOUBLE).dup('c').data().asDouble();
        if (Double.isNaN(expectedLoss)) {
            boolean zero = result.value() == 0 && maxAbs(gotGrad) == 0;
            return new CaseResult(id, zero, Double.NaN, zero
                    ? "PML gives NaN (mean over no terms); DML4J gives 0 with a zero gradient by design"
                    : "PML gives NaN; expected DML4J's 0 with a zero gradient, got " + result.value());
        }
        double lossRatio = tolerance.lossRatio(result.value(), expectedLoss);
        double gradRatio = tolerance.gradientRatio(gotGrad, expectedGrad);
        double worst = Math.max(lossRatio, gradRatio);
        detail.append(String.format("loss=%.10g expected=%.10g", result.value(), expectedLoss));
        if (core instanceof ClassParameterLoss parametric) {
            worst = Math.max(worst, classGradientRatio(parametric, result, expected, tolerance, detail));
        }
        return new CaseResult(id, worst <= 1, worst, detail.toString());
    }

    private static double[][] classVectors(JsonNode inputs) {
        if (inputs.has("proxies")) {
            return GoldenJson.matrix(inputs.get("proxies"), "inputs.proxies");
        }
        if (inputs.has("W")) {
            return GoldenJson.transpose(GoldenJson.matrix(inputs.get("W"), "inputs.W"));
        }
        return null;
    }

    private static double classGradientRatio(ClassParameterLoss loss, LossResult result, JsonNode expected,
                                             Tolerance tolerance, StringBuilder detail) {
        INDArray got = result.parameterGradients().values().iterator().next();
        double[][] reference;
        if (expected.has("grad_proxies")) {
            reference = GoldenJson.matrix(expected.get("grad_proxies"), "expected.grad_proxies", got.rows(),
                    got.columns());
        } else if (expected.has("grad_W")) {
            reference = GoldenJson.transpose(GoldenJson.matrix(expected.get("grad_W"), "expected.grad_W",
                    got.columns(), got.rows()));
        } else {
            throw new CaseFormatException(loss.getClass().getSimpleName()
                    + " case has neither expected.grad_proxies nor expected.grad_W");
        }
        double ratio = tolerance.gradientRatio(got.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                GoldenJson.flatten(reference));
        detail.append(String.format(" class-gradient=%.3g", ratio));
        return ratio;
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
