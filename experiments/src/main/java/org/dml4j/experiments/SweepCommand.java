package org.dml4j.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.spark.SparkTrialSite;
import org.dml4j.experiments.sweep.StoppingRule;
import org.dml4j.experiments.sweep.SweepFile;
import org.dml4j.experiments.sweep.SweepProgress;
import org.dml4j.experiments.sweep.SweepRunner;
import org.dml4j.experiments.sweep.SweepSummary;
import org.dml4j.experiments.sweep.Trial;
import org.dml4j.experiments.sweep.TrialArgs;
import org.dml4j.train.TrainingMode;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j sweep SWEEP_FILE}: a hyperparameter search over {@code train} options, each trial scored on a
 * validation split of the training data (never the evaluation data), poor trials stopped early by the median rule
 * or successive halving, trials in threads or child JVMs, tracked as a parent MLflow run with a nested run per
 * trial, and a summary table (or JSON object) at the end.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search train hyperparameters: grid or random trials scored on a validation split of the "
                + "training data, poor trials stopped early, tracked as nested MLflow runs.",
                "The sweep file (JSON, or YAML when it ends in .yaml/.yml; same keys) has: \"base\" (train options "
                        + "every trial shares, names without dashes, e.g. {\"dataset\": \"csv:data.csv\", "
                        + "\"epochs\": 5}; \"validation-fraction\" defaults to "
                        + SweepFile.DEFAULT_VALIDATION_FRACTION + "), \"space\" (option to a list of values, or to a "
                        + "range {\"min\", \"max\", \"log\", \"integer\"}; e.g. lr, loss, miner, margin, epochs, "
                        + "batch-size, m-per-class, network), \"search\" (grid or random), \"seed\", \"trials\" "
                        + "(the budget), \"parallel\" (trials at once), \"isolation\" (thread, the default, or "
                        + "process), \"metric\" (a validation metric to maximize, default map_at_r) and "
                        + "\"early_stopping\".",
                "With a base \"config\" (an OLCUT file), a key \"config:COMPONENT.PROPERTY\" (e.g. "
                        + "config:trainer.epochs, config:loss.margin) sets a property of one of its components, in "
                        + "the base or the space (train's --config-override).",
                "Early stopping: {\"rule\": \"median\", \"grace_epochs\": 1, \"min_trials\": 2} stops a trial whose "
                        + "best value is below the median of the other trials at the same epoch; {\"rule\": "
                        + "\"halving\", \"min_epochs\": 1, \"reduction_factor\": 3} (successive halving) checks at "
                        + "epochs min_epochs * reduction_factor^k, where a trial waits for the lower-numbered "
                        + "trials to get there and goes on only if among the top 1/reduction_factor of them and itself "
                        + "(at least the best one), so the stopped trials are the same for a seed however many run at once. Stopped runs are tagged "
                        + SweepTracking.STOPPED_BY_TAG + " and " + SweepTracking.STOPPED_AT_TAG + ".",
                "Isolation: threads share the JVM and its native ND4J library, whose thread count cannot differ per "
                        + "trial (the sweep caps ND4J at cores / parallel threads while it runs); a crash in native "
                        + "code ends the whole sweep. \"process\" runs each trial as a child JVM (dml4j train with "
                        + "the trial's options, OMP_NUM_THREADS = cores / parallel): a few seconds of start-up and "
                        + "its own memory per trial, but a failing trial only fails itself (with its error output "
                        + "in the summary), and ending the sweep ends the children. On 2 cores sequential trials "
                        + "(\"parallel\": 1) are usually as fast, since one trial's matrix products already use "
                        + "both cores."})
public final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "The sweep file (JSON or YAML).")
    private Path sweepFile;

    @Option(names = "--summary-out", paramLabel = "FILE", description = "Write the summary as JSON.")
    private Path summaryOut;

    @Option(names = "--quiet", description = "No progress: print only the summary.")
    private boolean quiet;

    @Option(names = "--json", description = "Print the summary as one JSON object on standard output instead of a "
            + "table (for scripts; progress and tracking messages go to standard error).")
    private boolean json;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run each trial as a task on this Spark cluster "
            + "(spark://HOST:PORT, yarn, k8s://...), as many at once as it has task slots, each with spark.task.cpus "
            + "threads; the driver records every trial as a nested MLflow run from the events its task returns, and "
            + "\"early_stopping\" follows each trial's curve through the executors' heartbeats. The workers must "
            + "see this installation at the same path (else use spark-submit with --jars); \"parallel\" and "
            + "\"isolation\" do not apply.")
    private String sparkMaster;

    @Mixin
    private SparkClusterOptions sparkCluster;

    @Mixin
    private TrackingOptions tracking;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter err = spec.commandLine().getErr();
        SweepFile sweep = SweepFile.read(sweepFile);
        List<Trial> trials = new ArrayList<>();
        for (Map<String, String> values : sweep.proposals()) {
            trials.add(new Trial(trials.size() + 1, values, TrialArgs.parse(sweep.base(), values)));
        }
        TrialArgs base = TrialArgs.parse(sweep.base(), Map.of());
        Dataset<Label> train = base.trainer.mode == TrainingMode.CROSS_MODAL
                ? base.trainer.crossModal().load(base.trainer.seed).train() : base.data.load(base.trainer.seed).train();
        StoppingRule rule = sweep.stopping() == null ? null : sweep.stopping().newRule();
        if (sparkMaster != null) {
            SparkJars.require();
        }
        SparkTrialSite site = sparkMaster == null ? null : SparkTrialSite.connect(sparkMaster,
                sparkCluster.home(), "dml4j sweep " + sweepFile.getFileName(), train, sparkCluster.waitTime());
        List<Trial> done;
        try (site) {
            SweepTracking tracked = SweepTracking.start(tracking, sweepFile, sweep, rule);
            SweepProgress progress = quiet ? null : new SweepProgress(err, sweep.metric(), trials.size(),
                    System.console() != null, System::nanoTime);
            SweepRunner runner = new SweepRunner(train, sweep.metric(), rule, tracked, progress,
                    Dml4jCommand.class.getName());
            done = site == null ? runner.run(trials, sweep.parallel(), sweep.processes()) : runner.run(trials, site);
            finish(done, sweep, tracked, err);
        }
        return 0;
    }

    private void finish(List<Trial> done, SweepFile sweep, SweepTracking tracked, PrintWriter err)
            throws JsonProcessingException {
        SweepSummary summary = new SweepSummary(sweep.metric(), done);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonFiles.MAPPER.writeValueAsString(summary.json()));
            out.flush();
        } else {
            summary.print(out);
        }
        if (summaryOut != null) {
            JsonFiles.write(summaryOut, summary.json());
        }
        Trial best = summary.best().orElseThrow(() -> new UserError("Every trial failed; the first: "
                + done.get(0).message() + ". Fix the sweep file's options (try one trial with dml4j train)."));
        if (tracked != null) {
            tracked.finish(done, best, sweep.metric(), err);
        }
    }
}
