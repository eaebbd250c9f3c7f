package org.dml4j.experiments.training;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.crossmodal.PairedData;
import org.dml4j.crossmodal.TwoTowerTrainer;
import org.dml4j.experiments.io.UserError;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.train.TrainingMode;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The options of {@code --mode cross-modal} (CLIP-style two-tower training): the paired data (a CSV with both
 * modalities' feature groups, or per-modality feature files and a pair file), the towers and the temperature, and the
 * {@link TwoTowerTrainer} they configure with the shared training numbers ({@code --epochs}, {@code --batch-size},
 * {@code --lr}, {@code --optimizer}, {@code --seed}, {@code --validation-fraction}).
 */
public final class CrossModalOptions {

    private static final String MODE = "--mode " + TrainingMode.CROSS_MODAL.cliName();
    /** The share of the pairs evaluated when no evaluation file is given. */
    private static final double EVAL_FRACTION = 0.2;

    @Option(names = "--pairs-csv", paramLabel = "FILE", description = "Cross-modal: the training pairs, a CSV with "
            + "the columns a_0..a_N (modality A), b_0..b_M (modality B) and optionally --class-column; one pair per "
            + "row.")
    Path pairsCsv;

    @Option(names = "--eval-pairs-csv", paramLabel = "FILE", description = "Cross-modal: the evaluation pairs, "
            + "laid out as --pairs-csv (default: 20%% of the training pairs, held out by --seed).")
    Path evalPairsCsv;

    @Option(names = "--pairs", paramLabel = "FILE", description = "Cross-modal: a pair file (columns a_id, b_id "
            + "and optionally label) naming rows of --a-features and --b-features, instead of --pairs-csv.")
    Path pairFile;

    @Option(names = "--a-features", paramLabel = "FILE", description = "Cross-modal: modality A's features for "
            + "--pairs, a CSV with an id column and a_0..a_N.")
    Path aFeatures;

    @Option(names = "--b-features", paramLabel = "FILE", description = "Cross-modal: modality B's features for "
            + "--pairs, a CSV with an id column and b_0..b_M.")
    Path bFeatures;

    @Option(names = "--class-column", paramLabel = "NAME", description = "Cross-modal: the class column of "
            + "--pairs-csv; rows of a class are relevant to each other in evaluation. Without it each row is its "
            + "own pair and only its partner is relevant.")
    String classColumn;

    /** {@code --tower-a}: modality A's network. */
    @Option(names = "--tower-a", defaultValue = "mlp:256,64", paramLabel = "NETWORK", description = "Cross-modal: "
            + "modality A's network, as --network. Default: ${DEFAULT-VALUE}.")
    public String towerA;

    /** {@code --tower-b}: modality B's network. */
    @Option(names = "--tower-b", defaultValue = "mlp:256,64", paramLabel = "NETWORK", description = "Cross-modal: "
            + "modality B's network, as --network (e.g. cnn:16,32,64 for 28x28 images); the same embedding width "
            + "as --tower-a. Default: ${DEFAULT-VALUE}.")
    public String towerB;

    @Option(names = "--initial-temperature", defaultValue = "0.07", paramLabel = "T", description = "Cross-modal: "
            + "the temperature of the InfoNCE logits at the start (CLIP's); it is learned in [0.01, 1] unless "
            + "--fixed-temperature. Default: ${DEFAULT-VALUE}.")
    double initialTemperature;

    @Option(names = "--fixed-temperature", description = "Cross-modal: keep the temperature at "
            + "--initial-temperature instead of learning it.")
    boolean fixedTemperature;

    /** The training and evaluation pairs. */
    public record Splits(Dataset<Label> train, Dataset<Label> eval, String description) {
    }

    /**
     * Reads the paired data the options name; without an evaluation file, a seeded 20% of the pairs evaluates.
     *
     * @param seed the seed of the held-out split
     * @return the pairs
     * @throws UserError when the options or the files are wrong, naming the file, line and column
     */
    public Splits load(long seed) {
        boolean csv = pairsCsv != null;
        boolean pairs = pairFile != null || aFeatures != null || bFeatures != null;
        if (csv == pairs) {
            throw new UserError(MODE + " reads paired data: give either --pairs-csv FILE or --pairs FILE with "
                    + "--a-features FILE and --b-features FILE.");
        }
        if (pairs && (pairFile == null || aFeatures == null || bFeatures == null)) {
            throw new UserError("--pairs, --a-features and --b-features go together: give all three.");
        }
        if (pairs && (evalPairsCsv != null || classColumn != null)) {
            throw new UserError("--eval-pairs-csv and --class-column apply to --pairs-csv; a pair file's classes "
                    + "are its label column.");
        }
        try {
            Dataset<Label> all = csv ? PairedData.csv(pairsCsv, classColumn, "a_", "b_")
                    : PairedData.pairs(pairFile, aFeatures, bFeatures, "a_", "b_");
            String description = csv ? "pairs " + pairsCsv : "pairs " + pairFile;
            if (evalPairsCsv != null) {
                return new Splits(all, PairedData.csv(evalPairsCsv, classColumn, "a_", "b_"), description
                        + ", evaluated on " + evalPairsCsv);
            }
            return holdOut(all, seed, description);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("Cannot read the paired data: " + e.getMessage() + ".", e);
        }
    }

    private static Splits holdOut(Dataset<Label> all, long seed, String description) {
        PairedData.Split split = PairedData.split(all, EVAL_FRACTION, seed);
        return new Splits(split.kept(), split.heldOut(), description + " (20% held out to evaluate)");
    }

    /**
     * The two-tower trainer of these options and the shared training numbers.
     *
     * @param shared the trainer options ({@code --epochs}, {@code --batch-size}, {@code --lr}, {@code --optimizer},
     *               {@code --seed}, {@code --validation-fraction})
     * @return the trainer
     * @throws UserError when a value is out of range or the towers do not fit together
     */
    TwoTowerTrainer build(TrainerOptions shared) {
        try {
            NetworkSpec a = NetworkSpecs.parse(towerA);
            NetworkSpec b = NetworkSpecs.parse(towerB);
            return new TwoTowerTrainer(a, b, Components.optimizer(shared.optimizer), shared.epochs, shared.batchSize,
                    shared.learningRate, shared.seed, initialTemperature, !fixedTemperature,
                    shared.validationFraction);
        } catch (PropertyException e) {
            throw new UserError(MODE + ": " + e.getMessage() + " (--tower-a, --tower-b, --initial-temperature, "
                    + "--batch-size, --lr, --validation-fraction).", e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
