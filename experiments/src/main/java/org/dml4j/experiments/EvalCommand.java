package org.dml4j.experiments;

import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.experiments.data.ModelData;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.progress.EvalProgress;
import org.dml4j.experiments.report.Evaluation;
import org.dml4j.experiments.report.PerQueryResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dml4j eval}: evaluates a saved model by retrieval on a dataset (each example queries all the others) and
 * prints the metrics; optionally writes them, and the per-query values, as JSON. Shows the evaluation's progress on
 * standard error unless {@code --quiet} or {@code --json}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model by retrieval on a dataset: each example queries all the others.")
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    private ModelData input;

    @Option(names = "--metrics-out", paramLabel = "FILE", description = "Write the metrics as JSON.")
    private Path metricsOut;

    @Option(names = "--per-query-out", paramLabel = "FILE",
            description = "Write every query's values as JSON (query_indices and, per metric, one value a query).")
    private Path perQueryOut;

    @Option(names = "--json", description = "Print the metrics as one JSON object on standard output instead of "
            + "a table (for scripts); no progress.")
    private boolean json;

    @Option(names = "--full-ranking", description = "Also report map: average precision over the exact rank of "
            + "every relevant example in the full ranking. Costs a second pass over all pairs for most queries; "
            + "the other metrics need one pass.")
    private boolean fullRanking;

    @Option(names = "--quiet", description = "Print only the metrics: no progress lines or bar.")
    private boolean quiet;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.file(metricsOut, "--metrics-out");
        OutputPaths.file(perQueryOut, "--per-query-out");
        ModelData.Loaded loaded = input.load();
        EvalProgress progress = quiet || json ? null
                : new EvalProgress(spec.commandLine().getErr(), System.console() != null, System::nanoTime);
        RetrievalEvaluation evaluation = new RetrievalEvaluator().withFullRanking(fullRanking).withProgress(progress)
                .evaluate(loaded.model(), loaded.examples());
        if (progress != null) {
            progress.finish();
        }
        Evaluation.print(spec.commandLine().getOut(), evaluation.summary(), json);
        if (metricsOut != null) {
            JsonFiles.write(metricsOut, evaluation.summary());
        }
        if (perQueryOut != null) {
            JsonFiles.write(perQueryOut, PerQueryResults.of(evaluation));
        }
        return 0;
    }
}
