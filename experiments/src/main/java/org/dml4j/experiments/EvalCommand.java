package org.dml4j.experiments;

import org.dml4j.eval.FewShotEvaluation;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.experiments.data.ModelData;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.progress.EvalProgress;
import org.dml4j.experiments.report.Evaluation;
import org.dml4j.experiments.report.FewShot;
import org.dml4j.experiments.report.PerQueryResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j eval}: evaluates a saved model by retrieval on a dataset (each example queries all the others), or with
 * {@code --few-shot NxK} by N-way K-shot episodes, and prints the metrics; optionally writes them, and the
 * per-query values of retrieval, as JSON. Shows the evaluation's progress on
 * standard error unless {@code --quiet} or {@code --json}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model by retrieval on a dataset (each example queries all the others), or by "
                + "N-way K-shot episodes (--few-shot 5x1).")
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

    @Option(names = "--few-shot", split = ",", paramLabel = "NxK", description = "Instead of retrieval, N-way K-shot "
            + "episodic evaluation (e.g. 5x1, or 5x1,5x5): each episode draws N classes and K support and --queries "
            + "query examples of each; a query is right when the mean support embedding of its class is its nearest. "
            + "Reports the mean accuracy over --episodes episodes and its 95%% confidence interval (1.96 sd/sqrt(n)) "
            + "as few_shot_NxK/accuracy and few_shot_NxK/ci95.")
    private List<String> fewShot;

    @Option(names = "--queries", defaultValue = "15", paramLabel = "Q",
            description = "--few-shot: the queries of each class in an episode. Default: ${DEFAULT-VALUE}.")
    private int queries;

    @Option(names = "--episodes", defaultValue = "1000", paramLabel = "E",
            description = "--few-shot: the episodes of each setting. Default: ${DEFAULT-VALUE}.")
    private int episodes;

    @Option(names = "--episode-seed", defaultValue = "0", paramLabel = "SEED",
            description = "--few-shot: the seed of the episodes. Default: ${DEFAULT-VALUE}.")
    private long episodeSeed;

    @Option(names = "--quiet", description = "Print only the metrics: no progress lines or bar.")
    private boolean quiet;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OutputPaths.file(metricsOut, "--metrics-out");
        OutputPaths.file(perQueryOut, "--per-query-out");
        FewShot episodic = fewShot == null ? null
                : FewShot.parse("--few-shot", fewShot, queries, episodes, episodeSeed);
        if (episodic != null && perQueryOut != null) {
            throw new UserError("--per-query-out applies to retrieval, not to --few-shot: leave one of them out.");
        }
        ModelData.Loaded loaded = input.load();
        if (episodic != null) {
            return fewShot(episodic, loaded);
        }
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

    private int fewShot(FewShot episodic, ModelData.Loaded loaded) {
        List<FewShotEvaluation> evaluations = episodic.evaluate(loaded.model(), loaded.examples());
        Map<String, Double> metrics = FewShot.summary(evaluations);
        if (!json && !quiet) {
            evaluations.forEach(e -> spec.commandLine().getOut().println(e));
        }
        Evaluation.print(spec.commandLine().getOut(), metrics, json);
        if (metricsOut != null) {
            JsonFiles.write(metricsOut, metrics);
        }
        return 0;
    }
}
