package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.loss.ClassParameterLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultipleLosses;
import org.dml4j.loss.ReferenceLossResult;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.dml4j.regularize.RegularizedLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks one loss case ({@code dml-golden/loss/v1}): builds the loss (and miner) the case describes, runs DML4J's
 * miner and compares its tuples with PML's, computes the loss on DML4J's tuples, and compares the value and every
 * gradient. A {@code MultipleLosses} case compares each term's miner with {@code mined_indices_per_loss}; a case
 * with {@code inputs.ref_embeddings} is a loss between two views (VICReg), with the gradient of both. Where PML
 * returns NaN (a mean over no terms) DML4J returns 0 with a zero gradient by design; that counts as a pass and says
 * so.
 */
final class LossCaseCheck {

    private LossCaseCheck() {
    }

    static CaseResult run(JsonNode root, DataType precision) {
        String id = root.path("case_id").asText("?");
        Tolerance tolerance = Tolerance.forPrecision(precision);
        JsonNode inputs = root.path("inputs");
        if (inputs.has("ref_embeddings")) {
            return runTwoViews(root, id, tolerance, precision);
        }
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
        if (loss instanceof MultipleLosses sum) {
            String difference = termMinerDifference(sum, root.path("mined_indices_per_loss"), embeddings, labels);
            if (difference != null) {
                return CaseResult.failure(id, difference);
            }
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

    /**
     * A case of a loss between two views without labels ({@code inputs.ref_embeddings}, {@code
     * expected.grad_ref_embeddings}; VICReg): PML's {@code loss(embeddings, ref_emb=ref_embeddings)}.
     */
    private static CaseResult runTwoViews(JsonNode root, String id, Tolerance tolerance, DataType precision) {
        JsonNode inputs = root.path("inputs");
        INDArray view1 = Nd4j.create(GoldenJson.matrix(inputs.get("embeddings"), "inputs.embeddings"))
                .castTo(precision);
        INDArray view2 = Nd4j.create(GoldenJson.matrix(inputs.get("ref_embeddings"), "inputs.ref_embeddings",
                view1.rows(), view1.columns())).castTo(precision);
        MetricLoss loss = PmlTranslator.loss(root.path("loss"));
        if (!loss.acceptsReferences()) {
            throw new CaseFormatException(id + ": " + loss.getClass().getSimpleName() + " takes no second view");
        }
        ReferenceLossResult result = loss.compute(view1, null, null, view2, null);
        JsonNode expected = root.path("expected");
        double expectedLoss = GoldenJson.number(expected.get("loss"), "expected.loss");
        double worst = Math.max(tolerance.lossRatio(result.value(), expectedLoss), Math.max(
                gradientRatio(tolerance, result.queryGradient(), expected.get("grad_embeddings"),
                        "expected.grad_embeddings"),
                gradientRatio(tolerance, result.referenceGradient(), expected.get("grad_ref_embeddings"),
                        "expected.grad_ref_embeddings")));
        return new CaseResult(id, worst <= 1, worst, String.format("loss=%.10g expected=%.10g", result.value(),
                expectedLoss));
    }

    private static double gradientRatio(Tolerance tolerance, INDArray got, JsonNode expected, String what) {
        return tolerance.gradientRatio(got.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
                GoldenJson.flatten(GoldenJson.matrix(expected, what, got.rows(), got.columns())));
    }

    /** The first term of a sum whose miner's tuples differ from PML's ({@code mined_indices_per_loss}), or null. */
    private static String termMinerDifference(MultipleLosses sum, JsonNode mined, INDArray embeddings, int[] labels) {
        for (int i = 0; i < sum.losses().size(); i++) {
            Miner miner = sum.losses().get(i).miner();
            if (miner == null) {
                continue;
            }
            String difference = TupleRows.of(miner.mine(embeddings, labels))
                    .differenceFrom(TupleRows.fromColumns(mined.path(i)));
            if (difference != null) {
                return "miner of loss " + i + " differs from PML: " + difference;
            }
        }
        return null;
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
