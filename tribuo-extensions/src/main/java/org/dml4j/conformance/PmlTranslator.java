package org.dml4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.DotProductSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.SNRDistance;
import org.dml4j.loss.AngularLoss;
import org.dml4j.loss.ArcFaceLoss;
import org.dml4j.loss.CircleLoss;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.CosFaceLoss;
import org.dml4j.loss.DynamicSoftMarginLoss;
import org.dml4j.loss.FastAPLoss;
import org.dml4j.loss.GeneralizedLiftedStructureLoss;
import org.dml4j.loss.HistogramLoss;
import org.dml4j.loss.InstanceLoss;
import org.dml4j.loss.IntraPairVarianceLoss;
import org.dml4j.loss.LargeMarginSoftmaxLoss;
import org.dml4j.loss.LiftedStructureLoss;
import org.dml4j.loss.ManifoldLoss;
import org.dml4j.loss.MarginLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.MultipleLosses;
import org.dml4j.loss.NCALoss;
import org.dml4j.loss.NPairsLoss;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.NormalizedSoftmaxLoss;
import org.dml4j.loss.P2SGradLoss;
import org.dml4j.loss.PNPLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.RankedListLoss;
import org.dml4j.loss.SignalToNoiseRatioContrastiveLoss;
import org.dml4j.loss.SmoothAPLoss;
import org.dml4j.loss.SoftTripleLoss;
import org.dml4j.loss.SphereFaceLoss;
import org.dml4j.loss.SubCenterArcFaceLoss;
import org.dml4j.loss.SupConLoss;
import org.dml4j.loss.ThresholdConsistentMarginLoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.loss.TupletMarginLoss;
import org.dml4j.loss.SelfSupervisedLoss;
import org.dml4j.loss.VICRegLoss;
import org.dml4j.loss.WeightedLoss;
import org.dml4j.mining.AngularMiner;
import org.dml4j.mining.BatchEasyHardMiner;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.mining.EmbeddingsAlreadyPackagedAsTriplets;
import org.dml4j.mining.HDCMiner;
import org.dml4j.mining.Miner;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.PairMarginMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.mining.UniformHistogramMiner;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.reduce.ClassWeightedReducer;
import org.dml4j.reduce.DivisorReducer;
import org.dml4j.reduce.DoNothingReducer;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.MultipleReducers;
import org.dml4j.reduce.PerAnchorReducer;
import org.dml4j.reduce.Reducer;
import org.dml4j.reduce.SumReducer;
import org.dml4j.reduce.ThresholdReducer;
import org.dml4j.regularize.CenterInvariantRegularizer;
import org.dml4j.regularize.LpRegularizer;
import org.dml4j.regularize.RegularFaceRegularizer;
import org.dml4j.regularize.RegularizedLoss;
import org.dml4j.regularize.Regularizer;
import org.dml4j.regularize.SparseCentersRegularizer;
import org.dml4j.regularize.ZeroMeanRegularizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the DML4J distance, reducer, loss or miner that a PML configuration in a case file describes
 * ({@code pml_class} and {@code params}). A loss's {@code embedding_regularizer}/{@code weight_regularizer}
 * parameters (regularizer specifications, with {@code embedding_reg_weight}/{@code weight_reg_weight}) wrap it in a
 * {@link RegularizedLoss}. Parameters DML4J does not support (a learnable beta, sampled triplets per anchor) are
 * rejected with a message naming them, never silently ignored.
 */
public final class PmlTranslator {

    private PmlTranslator() {
    }

    /**
     * The distance of a {@code distance} object.
     *
     * @param spec {@code {pml_class, normalize_embeddings, p, power}}
     * @return the distance
     */
    public static Distance distance(JsonNode spec) {
        String cls = text(spec, "pml_class");
        boolean normalize = !spec.has("normalize_embeddings") || spec.get("normalize_embeddings").asBoolean();
        int power = spec.has("power") ? spec.get("power").asInt() : 1;
        switch (cls) {
            case "LpDistance" -> {
                if (spec.has("p") && spec.get("p").asDouble() != 2) {
                    throw new CaseFormatException("LpDistance p=" + spec.get("p") + " is not supported (only p=2)");
                }
                return new LpDistance(normalize, power);
            }
            case "CosineSimilarity" -> {
                requirePowerOne(cls, power);
                return new CosineSimilarity();
            }
            case "DotProductSimilarity" -> {
                requirePowerOne(cls, power);
                return new DotProductSimilarity(normalize);
            }
            case "SNRDistance" -> {
                requirePowerOne(cls, power);
                return new SNRDistance(normalize);
            }
            default -> throw new CaseFormatException("unsupported distance pml_class: " + cls);
        }
    }

    private static void requirePowerOne(String cls, int power) {
        if (power != 1) {
            throw new CaseFormatException(cls + " with power=" + power + " is not supported");
        }
    }

    /**
     * The reducer of a {@code reducer} object; {@code MultipleReducers} must use one reducer for every sub-loss.
     *
     * @param spec {@code {pml_class, [sub_loss_reducers], [low, high]}}
     * @return the reducer
     */
    public static Reducer reducer(JsonNode spec) {
        String cls = text(spec, "pml_class");
        if (cls.equals("MultipleReducers")) {
            Set<String> subs = new HashSet<>();
            spec.path("sub_loss_reducers").elements().forEachRemaining(n -> subs.add(n.toString()));
            if (subs.size() == 1 && !spec.has("default_reducer")) {
                return subReducer(spec.path("sub_loss_reducers").elements().next(), spec);
            }
            Map<String, Reducer> reducers = new LinkedHashMap<>();
            spec.path("sub_loss_reducers").fields().forEachRemaining(e -> reducers.put(e.getKey(),
                    subReducer(e.getValue(), spec)));
            return new MultipleReducers(reducers, spec.has("default_reducer")
                    ? reducer(spec.get("default_reducer")) : new MeanReducer());
        }
        return simpleReducer(cls, spec);
    }

    /** A sub-loss reducer of MultipleReducers: a class name (parameters from the enclosing spec) or a spec. */
    private static Reducer subReducer(JsonNode sub, JsonNode spec) {
        return sub.isTextual() ? simpleReducer(sub.asText(), spec) : reducer(sub);
    }

    private static Reducer simpleReducer(String cls, JsonNode spec) {
        return switch (cls) {
            case "MeanReducer" -> new MeanReducer();
            case "AvgNonZeroReducer" -> new AvgNonZeroReducer();
            case "DivisorReducer" -> new DivisorReducer();
            case "SumReducer" -> new SumReducer();
            case "PerAnchorReducer" -> new PerAnchorReducer();
            case "DoNothingReducer" -> new DoNothingReducer();
            case "ClassWeightedReducer" -> new ClassWeightedReducer(GoldenJson.doubles(spec.get("weights"),
                    "ClassWeightedReducer.weights"));
            case "ThresholdReducer" -> new ThresholdReducer(
                    spec.hasNonNull("low") ? spec.get("low").asDouble() : Double.NEGATIVE_INFINITY,
                    spec.hasNonNull("high") ? spec.get("high").asDouble() : Double.POSITIVE_INFINITY);
            default -> throw new CaseFormatException("unsupported reducer pml_class: " + cls);
        };
    }

    /**
     * The loss of a {@code loss} object.
     *
     * @param spec {@code {pml_class, params, distance, reducer}}; {@code params} may attach regularizers; a
     *             {@code SelfSupervisedLoss} has {@code {pml_class, params: {symmetric}, loss}}
     * @return the loss (class vectors of proxy and softmax losses still to be set), a {@link RegularizedLoss} when
     *         regularizers are attached
     */
    public static MetricLoss loss(JsonNode spec) {
        String cls = text(spec, "pml_class");
        if (cls.equals("MultipleLosses")) {
            return multipleLosses(spec);
        }
        if (cls.equals("SelfSupervisedLoss")) {
            Params p = new Params(cls, spec.path("params"));
            boolean symmetric = p.bool("symmetric", true);
            p.checkAllUsed();
            return new SelfSupervisedLoss(loss(spec.path("loss")), symmetric);
        }
        JsonNode params = spec.path("params");
        if (!params.isObject()) {
            return unregularized(cls, params, spec);
        }
        // The regularizer parameters of any loss become a RegularizedLoss around it; the loss sees the rest.
        ObjectNode lossParams = ((ObjectNode) params).deepCopy();
        lossParams.remove(List.of(EMBEDDING_REGULARIZER, EMBEDDING_REG_WEIGHT, WEIGHT_REGULARIZER, WEIGHT_REG_WEIGHT));
        return withRegularizers(unregularized(cls, lossParams, spec), params);
    }

    private static final String EMBEDDING_REGULARIZER = "embedding_regularizer";
    private static final String EMBEDDING_REG_WEIGHT = "embedding_reg_weight";
    private static final String WEIGHT_REGULARIZER = "weight_regularizer";
    private static final String WEIGHT_REG_WEIGHT = "weight_reg_weight";

    /** The loss wrapped in a {@link RegularizedLoss} when the PML parameters attach regularizers to it. */
    private static MetricLoss withRegularizers(MetricLoss loss, JsonNode params) {
        if (params == null) {
            return loss;
        }
        Regularizer embedding = params.hasNonNull(EMBEDDING_REGULARIZER)
                ? regularizer(params.get(EMBEDDING_REGULARIZER)) : null;
        Regularizer weight = params.hasNonNull(WEIGHT_REGULARIZER) ? regularizer(params.get(WEIGHT_REGULARIZER)) : null;
        if (embedding == null && weight == null) {
            return loss;
        }
        return new RegularizedLoss(loss, embedding, weightOf(params, EMBEDDING_REG_WEIGHT), weight,
                weightOf(params, WEIGHT_REG_WEIGHT));
    }

    private static double weightOf(JsonNode params, String name) {
        return params.hasNonNull(name) ? GoldenJson.number(params.get(name), name) : 1;
    }

    /**
     * The regularizer of a {@code regularizer} object.
     *
     * @param spec {@code {pml_class, params, [reducer], [distance]}}; the distance, if given, must be the one PML
     *             requires of the class
     * @return the regularizer
     */
    public static Regularizer regularizer(JsonNode spec) {
        String cls = text(spec, "pml_class");
        Params p = new Params(cls, spec.path("params"));
        JsonNode reducerSpec = spec.path("reducer");
        boolean hasReducer = reducerSpec.isObject();
        Reducer r = hasReducer ? reducer(reducerSpec) : null;
        JsonNode distanceSpec = spec.path("distance");
        String requiredDistance = switch (cls) {
            case "CenterInvariantRegularizer" -> "LpDistance";
            case "RegularFaceRegularizer", "SparseCentersRegularizer" -> "CosineSimilarity";
            default -> null;
        };
        if (distanceSpec.isObject() && requiredDistance != null
                && !requiredDistance.equals(distanceSpec.path("pml_class").asText())) {
            throw new CaseFormatException(cls + " with distance " + distanceSpec.path("pml_class").asText()
                    + " is not supported (only " + requiredDistance + ", as PML requires)");
        }
        Regularizer regularizer = switch (cls) {
            case "LpRegularizer" -> new LpRegularizer(p.num("p", 2), p.num("power", 1), hasReducer ? r
                    : new MeanReducer());
            case "ZeroMeanRegularizer" -> hasReducer ? new ZeroMeanRegularizer(r) : new ZeroMeanRegularizer();
            case "CenterInvariantRegularizer" -> hasReducer ? new CenterInvariantRegularizer(r)
                    : new CenterInvariantRegularizer();
            case "RegularFaceRegularizer" -> hasReducer ? new RegularFaceRegularizer(r) : new RegularFaceRegularizer();
            case "SparseCentersRegularizer" -> hasReducer
                    ? new SparseCentersRegularizer(p.integer("num_classes"), p.integer("centers_per_class"), r)
                    : new SparseCentersRegularizer(p.integer("num_classes"), p.integer("centers_per_class"));
            default -> throw new CaseFormatException("unsupported regularizer pml_class: " + cls);
        };
        p.checkAllUsed();
        return regularizer;
    }

    private static MetricLoss unregularized(String cls, JsonNode params, JsonNode spec) {
        Params p = new Params(cls, params);
        // A loss that takes no distance (VICReg) or ignores it (P2SGrad) has a null one in its case.
        Distance d = spec.path("distance").isNull() ? null : distance(spec.path("distance"));
        Reducer r = reducer(spec.path("reducer"));
        MetricLoss loss = switch (cls) {
            case "ContrastiveLoss" -> new ContrastiveLoss(p.num("pos_margin", ContrastiveLoss.DEFAULT_POS_MARGIN),
                    p.num("neg_margin", ContrastiveLoss.DEFAULT_NEG_MARGIN), d, r);
            case "TripletMarginLoss" -> {
                p.require("triplets_per_anchor", "all");
                yield new TripletMarginLoss(p.num("margin", TripletMarginLoss.DEFAULT_MARGIN), d, r)
                        .withOptions(p.bool("swap", false), p.bool("smooth_loss", false));
            }
            case "MarginLoss" -> {
                p.require("triplets_per_anchor", "all");
                p.require("learn_beta", "false");
                if (p.num("nu", 0) != 0) {
                    throw new CaseFormatException("MarginLoss with nu != 0 (beta regularization) is not supported");
                }
                p.ignoreNull("num_classes");
                yield new MarginLoss(p.num("margin", MarginLoss.DEFAULT_MARGIN),
                        p.num("beta", MarginLoss.DEFAULT_BETA), d, r);
            }
            case "LiftedStructureLoss" -> new LiftedStructureLoss(
                    p.num("neg_margin", LiftedStructureLoss.DEFAULT_NEG_MARGIN),
                    p.num("pos_margin", LiftedStructureLoss.DEFAULT_POS_MARGIN), d, r);
            case "MultiSimilarityLoss" -> new MultiSimilarityLoss(
                    p.num("alpha", MultiSimilarityLoss.DEFAULT_ALPHA), p.num("beta", MultiSimilarityLoss.DEFAULT_BETA),
                    p.num("base", MultiSimilarityLoss.DEFAULT_BASE), d, r);
            case "NTXentLoss" -> new NTXentLoss(p.num("temperature", NTXentLoss.DEFAULT_TEMPERATURE), d, r);
            case "SupConLoss" -> new SupConLoss(p.num("temperature", SupConLoss.DEFAULT_TEMPERATURE), d, r);
            case "CircleLoss" -> new CircleLoss(p.num("m", CircleLoss.DEFAULT_M),
                    p.num("gamma", CircleLoss.DEFAULT_GAMMA), d, r);
            case "NCALoss" -> new NCALoss(p.num("softmax_scale", NCALoss.DEFAULT_SOFTMAX_SCALE), d, r);
            case "ProxyNCALoss" -> {
                p.ignoreNull("weight_regularizer");
                yield new ProxyNCALoss(p.integer("num_classes"), p.integer("embedding_size"),
                        p.num("softmax_scale", ProxyNCALoss.DEFAULT_SOFTMAX_SCALE), d, r);
            }
            case "ProxyAnchorLoss" -> {
                p.ignoreNull("weight_regularizer");
                yield new ProxyAnchorLoss(p.integer("num_classes"), p.integer("embedding_size"),
                        p.num("margin", ProxyAnchorLoss.DEFAULT_MARGIN), p.num("alpha", ProxyAnchorLoss.DEFAULT_ALPHA),
                        d, r);
            }
            case "ArcFaceLoss" -> {
                p.ignoreNull("weight_regularizer");
                p.ignore("margin_radians");
                double degrees = p.num(p.has("margin_degrees") ? "margin_degrees" : "margin",
                        ArcFaceLoss.DEFAULT_MARGIN_DEGREES);
                yield new ArcFaceLoss(p.integer("num_classes"), p.integer("embedding_size"), degrees,
                        p.num("scale", ArcFaceLoss.DEFAULT_SCALE));
            }
            case "CosFaceLoss" -> {
                p.ignoreNull("weight_regularizer");
                yield new CosFaceLoss(p.integer("num_classes"), p.integer("embedding_size"),
                        p.num("margin", CosFaceLoss.DEFAULT_MARGIN),
                        p.num("scale", CosFaceLoss.DEFAULT_SCALE));
            }
            case "AngularLoss", "GeneralizedLiftedStructureLoss", "IntraPairVarianceLoss", "InstanceLoss",
                 "NormalizedSoftmaxLoss", "LargeMarginSoftmaxLoss", "SphereFaceLoss", "SubCenterArcFaceLoss",
                 "ManifoldLoss", "SmoothAPLoss" ->
                    moreLosses(cls, p, d, r);
            case "FastAPLoss" -> new FastAPLoss(p.whole("num_bins", FastAPLoss.DEFAULT_NUM_BINS), d, r);
            case "HistogramLoss" -> new HistogramLoss(histogramBins(p), d, r);
            case "PNPLoss" -> new PNPLoss(pnpVariant(p.text("variant", PNPLoss.DEFAULT_VARIANT.name())),
                    p.num("b", PNPLoss.DEFAULT_B), p.num("alpha", PNPLoss.DEFAULT_ALPHA),
                    p.num("anneal", PNPLoss.DEFAULT_ANNEAL), d, r);
            case "RankedListLoss" -> new RankedListLoss(p.required("margin"), p.required("Tn"),
                    p.num("imbalance", RankedListLoss.DEFAULT_IMBALANCE), p.num("alpha", Double.NaN),
                    p.num("Tp", RankedListLoss.DEFAULT_TP), d, r);
            case "DynamicSoftMarginLoss" -> new DynamicSoftMarginLoss(
                    p.num("min_val", DynamicSoftMarginLoss.DEFAULT_MIN_VAL),
                    p.whole("num_bins", DynamicSoftMarginLoss.DEFAULT_NUM_BINS),
                    p.num("momentum", DynamicSoftMarginLoss.DEFAULT_MOMENTUM), d, r);
            case "NPairsLoss" -> new NPairsLoss(d, r);
            case "TupletMarginLoss" -> {
                requireDistance(cls, d, CosineSimilarity.class);
                yield new TupletMarginLoss(p.num("margin", TupletMarginLoss.DEFAULT_MARGIN_DEGREES),
                        p.num("scale", TupletMarginLoss.DEFAULT_SCALE), r);
            }
            case "SignalToNoiseRatioContrastiveLoss" -> new SignalToNoiseRatioContrastiveLoss(
                    p.num("pos_margin", ContrastiveLoss.DEFAULT_POS_MARGIN),
                    p.num("neg_margin", ContrastiveLoss.DEFAULT_NEG_MARGIN),
                    requireDistance(cls, d, SNRDistance.class), r);
            case "ThresholdConsistentMarginLoss" -> {
                // PML reduces this loss itself: its reducer has no effect, and DML4J's stays the mean.
                requireDistance(cls, d, CosineSimilarity.class);
                yield new ThresholdConsistentMarginLoss(
                        p.num("lambda_plus", ThresholdConsistentMarginLoss.DEFAULT_LAMBDA_PLUS),
                        p.num("lambda_minus", ThresholdConsistentMarginLoss.DEFAULT_LAMBDA_MINUS),
                        p.num("margin_plus", ThresholdConsistentMarginLoss.DEFAULT_MARGIN_PLUS),
                        p.num("margin_minus", ThresholdConsistentMarginLoss.DEFAULT_MARGIN_MINUS));
            }
            case "SoftTripleLoss" -> {
                p.ignoreNull("weight_regularizer");
                yield new SoftTripleLoss(p.integer("num_classes"), p.integer("embedding_size"),
                        (int) p.num("centers_per_class", SoftTripleLoss.DEFAULT_CENTERS_PER_CLASS),
                        p.num("la", SoftTripleLoss.DEFAULT_LA), p.num("gamma", SoftTripleLoss.DEFAULT_GAMMA),
                        p.num("margin", SoftTripleLoss.DEFAULT_MARGIN), d, r);
            }
            // PML's P2SGrad ignores any distance and reducer (cosines, reduced by itself).
            case "P2SGradLoss" -> new P2SGradLoss(p.integer("num_classes"), p.integer("descriptors_dim"));
            case "VICRegLoss" -> {
                if (d != null) {
                    throw new CaseFormatException("VICRegLoss takes no distance (PML raises), found " + d);
                }
                yield new VICRegLoss(p.num("invariance_lambda", VICRegLoss.DEFAULT_INVARIANCE_LAMBDA),
                        p.num("variance_mu", VICRegLoss.DEFAULT_VARIANCE_MU),
                        p.num("covariance_v", VICRegLoss.DEFAULT_COVARIANCE_V), p.num("eps", VICRegLoss.DEFAULT_EPS),
                        r);
            }
            default -> throw new CaseFormatException("unsupported loss pml_class: " + cls);
        };
        if ((loss instanceof ArcFaceLoss || loss instanceof CosFaceLoss) && !(r instanceof MeanReducer)) {
            throw new CaseFormatException(cls + " with reducer " + r + " is not supported (only MeanReducer)");
        }
        p.checkAllUsed();
        return loss;
    }

    private static MetricLoss moreLosses(String cls, Params p, Distance d, Reducer r) {
        return switch (cls) {
            case "AngularLoss" -> {
                if (!(d instanceof LpDistance lp && lp.normalizesEmbeddings() && lp.power() == 1)) {
                    throw new CaseFormatException("AngularLoss needs LpDistance(p=2, power=1, "
                            + "normalize_embeddings=True), as PML asserts; found " + d);
                }
                // PML's formula is on the inner products of the normalized embeddings: DML4J's cosine similarity.
                yield new AngularLoss(p.num("alpha", AngularLoss.DEFAULT_ALPHA_DEGREES), new CosineSimilarity(), r);
            }
            case "GeneralizedLiftedStructureLoss" -> new GeneralizedLiftedStructureLoss(
                    p.num("neg_margin", GeneralizedLiftedStructureLoss.DEFAULT_NEG_MARGIN),
                    p.num("pos_margin", GeneralizedLiftedStructureLoss.DEFAULT_POS_MARGIN), d, r);
            case "IntraPairVarianceLoss" -> new IntraPairVarianceLoss(
                    p.num("pos_eps", IntraPairVarianceLoss.DEFAULT_POS_EPS),
                    p.num("neg_eps", IntraPairVarianceLoss.DEFAULT_NEG_EPS), d, r);
            case "InstanceLoss" -> new InstanceLoss(p.num("gamma", InstanceLoss.DEFAULT_GAMMA), d, r);
            case "NormalizedSoftmaxLoss" -> {
                p.ignoreNull("weight_regularizer");
                yield new NormalizedSoftmaxLoss(p.integer("num_classes"), p.integer("embedding_size"),
                        p.num("temperature", NormalizedSoftmaxLoss.DEFAULT_TEMPERATURE), d, r);
            }
            case "LargeMarginSoftmaxLoss", "SphereFaceLoss" -> {
                p.ignoreNull("weight_regularizer");
                // PML truncates the margin with int().
                int margin = (int) p.num("margin", LargeMarginSoftmaxLoss.DEFAULT_MARGIN);
                double scale = p.num("scale", LargeMarginSoftmaxLoss.DEFAULT_SCALE);
                yield cls.equals("SphereFaceLoss")
                        ? new SphereFaceLoss(p.integer("num_classes"), p.integer("embedding_size"), margin, scale)
                        : new LargeMarginSoftmaxLoss(p.integer("num_classes"), p.integer("embedding_size"), margin,
                        scale);
            }
            case "SubCenterArcFaceLoss" -> new SubCenterArcFaceLoss(p.integer("num_classes"),
                    p.integer("embedding_size"), p.num("margin", SubCenterArcFaceLoss.DEFAULT_MARGIN_DEGREES),
                    p.num("scale", SubCenterArcFaceLoss.DEFAULT_SCALE),
                    (int) p.num("sub_centers", SubCenterArcFaceLoss.DEFAULT_SUB_CENTERS));
            // PML's meta-classes (its indices_tuple) are DML4J's labels; K proxies, embedding size l.
            case "ManifoldLoss" -> new ManifoldLoss(p.whole("K", ManifoldLoss.PML_DEFAULT_K), p.integer("l"),
                    p.num("lambdaC", ManifoldLoss.DEFAULT_LAMBDA_C), p.num("alpha", ManifoldLoss.DEFAULT_ALPHA),
                    p.num("margin", ManifoldLoss.DEFAULT_MARGIN), d);
            // PML's development tree (not 2.8.1).
            case "SmoothAPLoss" -> new SmoothAPLoss(p.num("temperature", SmoothAPLoss.DEFAULT_TEMPERATURE), d, r);
            default -> throw new CaseFormatException("unsupported loss pml_class: " + cls);
        };
    }

    /** HistogramLoss's bins from PML's n_bins and/or delta (which must be 2 / n_bins, as PML asserts). */
    private static int histogramBins(Params p) {
        double delta = p.num("delta", Double.NaN);
        if (Double.isNaN(delta)) {
            return p.whole("n_bins", HistogramLoss.DEFAULT_NUM_BINS);
        }
        int bins = p.whole("n_bins", (int) Math.round(2 / delta));
        if (2.0 / bins != delta) {
            throw new CaseFormatException("HistogramLoss delta=" + delta + " is not 2 / n_bins for a whole n_bins"
                    + " (n_bins=" + bins + "); DML4J takes the number of bins");
        }
        return bins;
    }

    private static PNPLoss.Variant pnpVariant(String name) {
        try {
            return PNPLoss.Variant.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new CaseFormatException("PNPLoss variant '" + name + "' is not one of "
                    + java.util.Arrays.toString(PNPLoss.Variant.values()));
        }
    }

    /**
     * PML's {@code MultipleLosses(losses, miners, weights)}: {@code losses} a list of loss objects, {@code miners} a
     * list of miner objects or nulls (or absent), {@code params.weights} a list of numbers (or absent: all 1).
     */
    private static MultipleLosses multipleLosses(JsonNode spec) {
        JsonNode losses = spec.path("losses");
        JsonNode miners = spec.path("miners");
        JsonNode weights = spec.path("params").path("weights");
        if (!losses.isArray() || losses.isEmpty()) {
            throw new CaseFormatException("MultipleLosses needs a non-empty list 'losses'");
        }
        if ((!miners.isMissingNode() && !miners.isNull() && miners.size() != losses.size())
                || (!weights.isMissingNode() && !weights.isNull() && weights.size() != losses.size())) {
            throw new CaseFormatException("MultipleLosses needs one miner (or null) and one weight per loss, found "
                    + losses.size() + " losses, " + miners.size() + " miners, " + weights.size() + " weights");
        }
        List<WeightedLoss> terms = new ArrayList<>();
        for (int i = 0; i < losses.size(); i++) {
            JsonNode miner = miners.path(i);
            double weight = weights.has(i) ? GoldenJson.number(weights.get(i), "MultipleLosses.weights[" + i + "]")
                    : WeightedLoss.DEFAULT_WEIGHT;
            terms.add(new WeightedLoss(loss(losses.get(i)), weight,
                    miner.isMissingNode() || miner.isNull() ? null : miner(miner)));
        }
        return new MultipleLosses(terms);
    }

    private static <T extends Distance> T requireDistance(String cls, Distance d, Class<T> type) {
        if (!type.isInstance(d)) {
            throw new CaseFormatException(cls + " needs a " + type.getSimpleName() + " (PML asserts it), found " + d);
        }
        return type.cast(d);
    }

    /**
     * The miner of a {@code miner} object.
     *
     * @param spec {@code {pml_class, params, distance}}
     * @return the miner
     */
    public static Miner miner(JsonNode spec) {
        String cls = text(spec, "pml_class");
        Params p = new Params(cls, spec.path("params"));
        Distance d = distance(spec.path("distance"));
        Miner miner = switch (cls) {
            case "TripletMarginMiner" -> new TripletMarginMiner(p.num("margin", TripletMarginMiner.DEFAULT_MARGIN),
                    TripletMarginMiner.Type.valueOf(p.text("type_of_triplets", "all").toUpperCase(Locale.ROOT)), d);
            case "BatchHardMiner" -> {
                p.require("pos_strategy", "hard");
                p.require("neg_strategy", "hard");
                p.ignoreNull("allowed_pos_range");
                p.ignoreNull("allowed_neg_range");
                yield new BatchHardMiner(d);
            }
            case "MultiSimilarityMiner" ->
                    new MultiSimilarityMiner(p.num("epsilon", MultiSimilarityMiner.DEFAULT_EPSILON), d);
            case "PairMarginMiner" -> new PairMarginMiner(p.num("pos_margin", PairMarginMiner.DEFAULT_POS_MARGIN),
                    p.num("neg_margin", PairMarginMiner.DEFAULT_NEG_MARGIN), d);
            case "AngularMiner" -> {
                if (!(d instanceof LpDistance lp) || lp.power() != 1 || !lp.normalizesEmbeddings()) {
                    throw new CaseFormatException("AngularMiner needs LpDistance(power=1, normalized), as PML");
                }
                yield new AngularMiner(p.num("angle", AngularMiner.DEFAULT_ANGLE));
            }
            case "BatchEasyHardMiner" -> new BatchEasyHardMiner(strategy(p, "pos_strategy", "easy"),
                    strategy(p, "neg_strategy", "semihard"), p.range("allowed_pos_range"),
                    p.range("allowed_neg_range"), d);
            case "HDCMiner" -> new HDCMiner(p.num("filter_percentage", HDCMiner.DEFAULT_FILTER_PERCENTAGE), d);
            case "UniformHistogramMiner" -> new UniformHistogramMiner(
                    (int) p.num("num_bins", UniformHistogramMiner.DEFAULT_NUM_BINS),
                    (int) p.num("pos_per_bin", UniformHistogramMiner.DEFAULT_PER_BIN),
                    (int) p.num("neg_per_bin", UniformHistogramMiner.DEFAULT_PER_BIN), 12345L, d);
            case "EmbeddingsAlreadyPackagedAsTriplets" -> new EmbeddingsAlreadyPackagedAsTriplets();
            default -> throw new CaseFormatException("unsupported miner pml_class: " + cls);
        };
        p.checkAllUsed();
        return miner;
    }

    private static BatchEasyHardMiner.Strategy strategy(Params p, String name, String fallback) {
        return BatchEasyHardMiner.Strategy.valueOf(p.text(name, fallback).toUpperCase(Locale.ROOT));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new CaseFormatException("missing text field '" + field + "' in " + node);
        }
        return value.asText();
    }

    /** The params object of one PML class, tracking which parameters were understood. */
    private static final class Params {
        private final String cls;
        private final JsonNode node;
        private final Set<String> used = new HashSet<>();

        Params(String cls, JsonNode node) {
            this.cls = cls;
            this.node = node;
        }

        boolean has(String name) {
            return node.has(name);
        }

        double num(String name, double fallback) {
            used.add(name);
            return node.hasNonNull(name) ? GoldenJson.number(node.get(name), cls + "." + name) : fallback;
        }

        double required(String name) {
            if (!node.hasNonNull(name)) {
                throw new CaseFormatException(cls + " needs the parameter " + name);
            }
            return num(name, Double.NaN);
        }

        int whole(String name, int fallback) {
            double value = num(name, fallback);
            if (value != Math.rint(value)) {
                throw new CaseFormatException(cls + "." + name + " must be a whole number, found " + value);
            }
            return (int) value;
        }

        int integer(String name) {
            used.add(name);
            if (!node.hasNonNull(name)) {
                throw new CaseFormatException(cls + " needs the parameter " + name);
            }
            return node.get(name).asInt();
        }

        boolean bool(String name, boolean fallback) {
            used.add(name);
            return node.hasNonNull(name) ? node.get(name).asBoolean() : fallback;
        }

        String text(String name, String fallback) {
            used.add(name);
            return node.hasNonNull(name) ? node.get(name).asText() : fallback;
        }

        double[] range(String name) {
            used.add(name);
            return node.hasNonNull(name) ? GoldenJson.doubles(node.get(name), cls + "." + name) : null;
        }

        void require(String name, String expected) {
            used.add(name);
            if (node.has(name) && !node.get(name).asText().equals(expected)) {
                throw new CaseFormatException(cls + " with " + name + "=" + node.get(name).asText()
                        + " is not supported (only " + expected + ")");
            }
        }

        void ignoreNull(String name) {
            used.add(name);
            if (node.hasNonNull(name)) {
                throw new CaseFormatException(cls + " with " + name + "=" + node.get(name) + " is not supported");
            }
        }

        void ignore(String name) {
            used.add(name);
        }

        void checkAllUsed() {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!used.contains(name)) {
                    throw new CaseFormatException(cls + " parameter '" + name + "' is not supported by DML4J");
                }
            }
        }
    }
}
