package org.dml4j.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j sweep SWEEP_FILE}: a hyperparameter search over {@code train} options, each trial scored on a
 * validation split of the training data (never the evaluation data), poor trials stopped early by the median rule,
 * tracked as a parent MLflow run with a nested run per trial, and a summary table at the end.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search train hyperparameters: grid or random trials scored on a validation split of the "
                + "training data, poor trials stopped early, tracked as nested MLflow runs.",
                "The sweep file (JSON) has: \"base\" (train options every trial shares, names without dashes, e.g. "
                        + "{\"dataset\": \"csv:data.csv\", \"epochs\": 5}; \"validation-fraction\" defaults to "
                        + SweepFile.DEFAULT_VALIDATION_FRACTION + "), \"space\" (option to a list of values, or to a "
                        + "range {\"min\", \"max\", \"log\", \"integer\"}; e.g. lr, loss, miner, margin, epochs, "
                        + "batch-size, m-per-class, network), \"search\" (grid or random), \"seed\", \"trials\" "
                        + "(the budget), \"parallel\" (trials at once), \"metric\" (a validation metric to maximize, "
                        + "default map_at_r) and \"early_stopping\" ({\"rule\": \"median\", \"grace_epochs\": 1, "
                        + "\"min_trials\": 2}).",
                "Parallel trials share the JVM and its native ND4J library, whose thread count cannot differ per "
                        + "trial: the sweep caps ND4J at cores / parallel threads while it runs. On 2 cores "
                        + "sequential trials (\"parallel\": 1) are usually as fast, since one trial's matrix "
                        + "products already use both cores."})
public final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (JSON).")
    private Path sweepFile;

    @Option(names = "--summary-out", paramLabel = "FILE", description = "Write the summary as JSON.")
    private Path summaryOut;

    @Option(names = "--quiet", description = "Print only the summary table.")
    private boolean quiet;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SweepFile sweep = SweepFile.read(sweepFile);
        List<Trial> trials = new ArrayList<>();
        for (Map<String, String> values : sweep.proposals()) {
            trials.add(new Trial(trials.size() + 1, values, TrialArgs.parse(sweep.base(), values).trainer));
        }
        TrialArgs base = TrialArgs.parse(sweep.base(), Map.of());
        DatasetOptions.Splits data = base.data.load(base.trainer.seed);
        MedianStoppingRule rule = sweep.stopping() == null ? null : new MedianStoppingRule(sweep.stopping());
        SweepTracking tracked = SweepTracking.start(tracking, sweepFile, sweep);
        List<Trial> done = new SweepRunner(data.train(), sweep.metric(), rule, tracked, quiet ? null : err)
                .run(trials, sweep.parallel());
        SweepSummary summary = new SweepSummary(sweep.metric(), done);
        summary.print(spec.commandLine().getOut());
        if (summaryOut != null) {
            JsonFiles.write(summaryOut, summary.json());
        }
        Trial best = summary.best().orElseThrow(() -> new UserError("Every trial failed; the first: "
                + done.get(0).message() + ". Fix the sweep file's options (try one trial with dml4j train)."));
        if (tracked != null) {
            tracked.finish(done, best, sweep.metric(), err);
        }
        return 0;
    }
}
