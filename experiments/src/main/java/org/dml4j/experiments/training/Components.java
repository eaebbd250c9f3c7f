package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.distance.SNRDistance;
import org.dml4j.experiments.io.UserError;
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
import org.dml4j.loss.MarginLoss;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.NCALoss;
import org.dml4j.loss.NPairsLoss;
import org.dml4j.loss.NTXentLoss;
import org.dml4j.loss.NormalizedSoftmaxLoss;
import org.dml4j.loss.ManifoldLoss;
import org.dml4j.loss.P2SGradLoss;
import org.dml4j.loss.PNPLoss;
import org.dml4j.loss.ProxyAnchorLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.QuadrupletLoss;
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
import org.dml4j.mining.AngularMiner;
import org.dml4j.mining.BatchEasyHardMiner;
import org.dml4j.mining.BatchHardMiner;
import org.dml4j.mining.DistanceWeightedMiner;
import org.dml4j.mining.HDCMiner;
import org.dml4j.mining.Miner;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.PairMarginMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.mining.UniformHistogramMiner;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.AdamW;
import org.dml4j.nn.optim.Optimizer;
import org.dml4j.nn.optim.RmsProp;
import org.dml4j.nn.optim.Sgd;
import org.dml4j.reduce.AvgNonZeroReducer;
import org.dml4j.regularize.CenterInvariantRegularizer;
import org.dml4j.regularize.LpRegularizer;
import org.dml4j.regularize.RegularFaceRegularizer;
import org.dml4j.regularize.RegularizedLoss;
import org.dml4j.regularize.Regularizer;
import org.dml4j.regularize.ZeroMeanRegularizer;

import java.util.List;

/**
 * The command line's stable, kebab-case names for losses, miners and optimizers, and the components they build
 * (PML's defaults unless an option overrides them).
 */
final class Components {

    /** The loss names, as documented in {@code --help}. */
    static final List<String> LOSSES = List.of("contrastive", "triplet", "quadruplet", "proxy-nca", "proxy-anchor",
            "multi-similarity", "ntxent", "supcon", "arcface", "cosface", "circle", "margin", "lifted-structure", "nca",
            "angular", "generalized-lifted-structure", "intra-pair-variance", "instance", "normalized-softmax",
            "large-margin-softmax", "sphereface", "sub-center-arcface",
            "fast-ap", "histogram", "pnp", "ranked-list", "dynamic-soft-margin",
            "n-pairs", "tuplet-margin", "snr-contrastive", "soft-triple", "p2s-grad", "threshold-consistent-margin",
            "manifold", "smooth-ap");
    /** The miner names. */
    static final List<String> MINERS = List.of("all", "hard", "semihard", "easy", "batch-hard", "multi-similarity",
            "pair-margin", "distance-weighted", "angular", "batch-easy-hard", "hdc", "uniform-histogram");
    /** The regularizer names (embedding: lp, zero-mean; weight: center-invariant, regular-face, or any). */
    static final List<String> REGULARIZERS = List.of("lp", "zero-mean", "center-invariant", "regular-face");
    /** The optimizer names. */
    static final List<String> OPTIMIZERS = List.of("adam", "adamw", "sgd", "rmsprop");

    private Components() {
    }

    /**
     * Builds a loss.
     *
     * @param name          its command-line name
     * @param margin        the margin for triplet, contrastive (negative margin), quadruplet and ranked-list (its
     *                      paper's 0.4 and Tn 10 otherwise: PML has no default) losses, or null
     * @param numClasses    the number of training classes (proxy and softmax losses)
     * @param embeddingSize the embedding width (proxy and softmax losses)
     * @return the loss
     */
    static MetricLoss loss(String name, Double margin, int numClasses, int embeddingSize) {
        if (name.contains("+")) {
            return LossSum.parse(name, term -> loss(term, margin, numClasses, embeddingSize));
        }
        return switch (name) {
            case "contrastive" -> margin == null ? new ContrastiveLoss()
                    : new ContrastiveLoss(ContrastiveLoss.DEFAULT_POS_MARGIN, margin, new LpDistance(),
                    new AvgNonZeroReducer());
            case "triplet" -> margin == null ? new TripletMarginLoss() : new TripletMarginLoss(margin);
            case "quadruplet" -> margin == null ? new QuadrupletLoss()
                    : new QuadrupletLoss(margin, margin / 2, new LpDistance(), new AvgNonZeroReducer());
            case "proxy-nca" -> new ProxyNCALoss(numClasses, embeddingSize);
            case "proxy-anchor" -> new ProxyAnchorLoss(numClasses, embeddingSize);
            case "multi-similarity" -> new MultiSimilarityLoss();
            case "ntxent" -> new NTXentLoss();
            case "supcon" -> new SupConLoss();
            case "arcface" -> new ArcFaceLoss(numClasses, embeddingSize);
            case "cosface" -> new CosFaceLoss(numClasses, embeddingSize);
            case "circle" -> new CircleLoss();
            case "margin" -> new MarginLoss();
            case "lifted-structure" -> new LiftedStructureLoss();
            case "nca" -> new NCALoss();
            case "angular" -> new AngularLoss();
            case "generalized-lifted-structure" -> new GeneralizedLiftedStructureLoss();
            case "intra-pair-variance" -> new IntraPairVarianceLoss();
            case "instance" -> new InstanceLoss();
            case "normalized-softmax" -> new NormalizedSoftmaxLoss(numClasses, embeddingSize);
            case "large-margin-softmax" -> new LargeMarginSoftmaxLoss(numClasses, embeddingSize);
            case "sphereface" -> new SphereFaceLoss(numClasses, embeddingSize);
            case "sub-center-arcface" -> new SubCenterArcFaceLoss(numClasses, embeddingSize);
            case "fast-ap" -> new FastAPLoss();
            case "histogram" -> new HistogramLoss();
            case "pnp" -> new PNPLoss();
            case "ranked-list" -> new RankedListLoss(margin == null ? RankedListLoss.PAPER_MARGIN : margin,
                    RankedListLoss.PAPER_TN);
            case "dynamic-soft-margin" -> new DynamicSoftMarginLoss();
            case "n-pairs" -> new NPairsLoss();
            case "tuplet-margin" -> new TupletMarginLoss();
            case "snr-contrastive" -> margin == null ? new SignalToNoiseRatioContrastiveLoss()
                    : new SignalToNoiseRatioContrastiveLoss(ContrastiveLoss.DEFAULT_POS_MARGIN, margin,
                    new SNRDistance(), new AvgNonZeroReducer());
            case "soft-triple" -> new SoftTripleLoss(numClasses, embeddingSize);
            case "p2s-grad" -> new P2SGradLoss(numClasses, embeddingSize);
            case "threshold-consistent-margin" -> new ThresholdConsistentMarginLoss();
            // one proxy (meta-class) per class: the labels are the meta-classes
            case "manifold" -> new ManifoldLoss(numClasses, embeddingSize);
            case "smooth-ap" -> new SmoothAPLoss();
            case "vicreg" -> throw new UserError("vicreg compares two augmented views of each batch without labels,"
                    + " which train does not make: use org.dml4j.loss.VICRegLoss from the library (its documentation"
                    + " shows the training step).");
            default -> throw new UserError("Unknown loss '" + name + "'. Choose one of " + LOSSES + ".");
        };
    }

    /**
     * Builds a miner, or null for "none".
     *
     * @param name   its command-line name, or null/"none"
     * @param margin the triplet miners' margin, or null for PML's default
     * @param seed   the seed of random miners
     * @return the miner or null
     */
    static Miner miner(String name, Double margin, long seed) {
        if (name == null || name.equals("none")) {
            return null;
        }
        double m = margin == null ? TripletMarginMiner.DEFAULT_MARGIN : margin;
        return switch (name) {
            case "all" -> new TripletMarginMiner(m, TripletMarginMiner.Type.ALL, new LpDistance());
            case "hard" -> new TripletMarginMiner(m, TripletMarginMiner.Type.HARD, new LpDistance());
            case "semihard" -> new TripletMarginMiner(m, TripletMarginMiner.Type.SEMIHARD, new LpDistance());
            case "easy" -> new TripletMarginMiner(m, TripletMarginMiner.Type.EASY, new LpDistance());
            case "batch-hard" -> new BatchHardMiner();
            case "multi-similarity" -> new MultiSimilarityMiner(MultiSimilarityMiner.DEFAULT_EPSILON,
                    new CosineSimilarity());
            case "pair-margin" -> new PairMarginMiner();
            case "distance-weighted" -> new DistanceWeightedMiner(DistanceWeightedMiner.DEFAULT_CUTOFF,
                    DistanceWeightedMiner.DEFAULT_NONZERO_LOSS_CUTOFF, seed);
            case "angular" -> new AngularMiner();
            case "batch-easy-hard" -> new BatchEasyHardMiner();
            case "hdc" -> new HDCMiner();
            case "uniform-histogram" -> new UniformHistogramMiner(UniformHistogramMiner.DEFAULT_NUM_BINS,
                    UniformHistogramMiner.DEFAULT_PER_BIN, UniformHistogramMiner.DEFAULT_PER_BIN, seed,
                    new LpDistance());
            default -> throw new UserError("Unknown miner '" + name + "'. Choose one of " + MINERS + " or none.");
        };
    }

    /**
     * Attaches regularizers to a loss, as PML's {@code embedding_regularizer} and {@code weight_regularizer}.
     *
     * @param loss      the loss
     * @param embedding {@code NAME[:WEIGHT]} of the embedding regularizer, or null
     * @param weight    {@code NAME[:WEIGHT]} of the class-vector regularizer, or null
     * @return the loss itself without regularizers, else a {@link RegularizedLoss}
     */
    static MetricLoss regularized(MetricLoss loss, String embedding, String weight) {
        if (embedding == null && weight == null) {
            return loss;
        }
        try {
            return new RegularizedLoss(loss, regularizer(embedding, "--embedding-regularizer"),
                    regularizerWeight(embedding, "--embedding-regularizer"), regularizer(weight, "--weight-regularizer"),
                    regularizerWeight(weight, "--weight-regularizer"));
        } catch (PropertyException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static Regularizer regularizer(String spec, String option) {
        if (spec == null) {
            return null;
        }
        String name = spec.split(":", 2)[0];
        return switch (name) {
            case "lp" -> new LpRegularizer();
            case "zero-mean" -> new ZeroMeanRegularizer();
            case "center-invariant" -> new CenterInvariantRegularizer();
            case "regular-face" -> new RegularFaceRegularizer();
            default -> throw new UserError("Unknown regularizer '" + name + "' in " + option + ". Choose one of "
                    + REGULARIZERS + ", optionally with :WEIGHT (e.g. lp:0.1).");
        };
    }

    private static double regularizerWeight(String spec, String option) {
        if (spec == null || !spec.contains(":")) {
            return 1;
        }
        String weight = spec.substring(spec.indexOf(':') + 1);
        try {
            double w = Double.parseDouble(weight);
            if (!Double.isFinite(w)) {
                throw new NumberFormatException();
            }
            return w;
        } catch (NumberFormatException e) {
            throw new UserError(option + " " + spec + ": the weight after ':' must be a finite number, found '"
                    + weight + "'.");
        }
    }

    /**
     * Builds an optimizer with its defaults.
     *
     * @param name its command-line name
     * @return the optimizer
     */
    static Optimizer optimizer(String name) {
        return switch (name) {
            case "adam" -> new Adam();
            case "adamw" -> new AdamW();
            case "sgd" -> new Sgd(0.9, false, 0);
            case "rmsprop" -> new RmsProp();
            default -> throw new UserError("Unknown optimizer '" + name + "'. Choose one of " + OPTIMIZERS + ".");
        };
    }
}
