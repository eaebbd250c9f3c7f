package org.dml4j.mlflow;

import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees of two tracked DML4J runs in the MLflow 3.17 UI, in a fresh headless Chromium (no remembered UI
 * choice), from a real local server. Each page is also saved as a screenshot in {@code plugin/target/ui-screenshots}:
 * <ul>
 *   <li>{@code run.png}, the run URL the CLI prints: the "Model training" view of run {@code ui-lr-0.01}, its
 *   params, metrics, the datasets {@code blobs.csv (digest)} with their contexts (train, validation, test) and the
 *   logged model;</li>
 *   <li>{@code runs-table.png}: the experiment's runs table with both runs and their Dataset column;</li>
 *   <li>{@code charts.png}: the metric charts, grouped by key prefix (sections {@code train}, {@code val},
 *   and "Model metrics" for the plain-named test metrics), one line per run over the epochs;</li>
 *   <li>{@code compare.png}: the two runs compared, params ({@code trainer.learningRate}) and metrics side by
 *   side;</li>
 *   <li>{@code bare-experiment.png}: the experiment's address without {@code workflowType}, which MLflow 3.17 opens
 *   in its GenAI overview (traces, "Detect Issues") although the experiment carries
 *   {@code mlflow.experimentKind = custom_model_development}: why every link DML4J prints carries
 *   {@code workflowType=machine_learning}.</li>
 * </ul>
 * The pages load one after the other (two chromiums at once on two cores stalled under load); a page not yet drawn
 * (charts still loading from a busy server) is loaded again with more script time before the test judges it.
 */
@ExtendWith(MlflowServerExtension.class)
class UiViewsTest {

    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    Path temp;

    @Test
    void trackedRunsOpenInTheTrainingViewWithTheirDatasetsChartsAndComparison(MlflowServer server) throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MutableDataset<Label> data = BlobCsv.load(BlobCsv.write(temp.resolve("blobs.csv"), 96, 6, 4, 1));
        MutableDataset<Label> test = BlobCsv.load(BlobCsv.write(temp.resolve("blobs-test.csv"), 48, 6, 4, 2));
        TribuoTracking tracking = new TribuoTracking(client, TrackerOptions.forExperiment("ui-views-test")
                .withSpoolRoot(temp.resolve("spool")));
        RunInfo first = trackedRun(tracking, data, test, 0.01);
        RunInfo second = trackedRun(tracking, data, test, 0.003);
        String experiment = first.experimentId();
        HeadlessChromium browser = new HeadlessChromium(SCREENSHOTS, temp);

        Predicate<String> runPage = text -> text.contains("ui-lr-0.01") && text.contains("Model training")
                && text.contains("Model metrics") && text.contains("Datasets") && text.contains("blobs.csv (")
                && text.contains("train");
        Predicate<String> runsTablePage = text -> text.contains("Run Name") && text.contains("Dataset")
                && text.contains("ui-lr-0.01") && text.contains("ui-lr-0.003") && text.contains("blobs.csv");
        Predicate<String> chartsPage = text -> text.contains("ui-lr-0.003 (train/loss)")
                && text.contains("ui-lr-0.01 (train/loss)") && text.contains("val (")
                && text.contains("Model metrics (");
        Predicate<String> comparePage = text -> text.contains("Comparing 2 Runs") && text.contains("ui-lr-0.01")
                && text.contains("ui-lr-0.003") && text.contains("trainer.learningRate");
        Predicate<String> genAiOverview = text -> text.contains("Observability") && !text.contains("ui-lr-0.01");

        String run = browser.load("run", MlflowUi.runUrl(server.uri(), first), runPage);
        String runsTable = browser.load("runs-table", MlflowUi.runsTableUrl(server.uri(), experiment), runsTablePage);
        String charts = browser.load("charts", MlflowUi.chartsUrl(server.uri(), experiment), chartsPage);
        String compare = browser.load("compare", MlflowUi.compareUrl(server.uri(), experiment,
                List.of(first.runId(), second.runId())), comparePage);
        String bare = browser.load("bare-experiment", server.uri() + "/#/experiments/" + experiment, genAiOverview);

        assertTrue(runPage.test(run), run);
        assertFalse(run.contains("Observability"), "the run page opened in the GenAI view: " + run);
        assertTrue(runsTablePage.test(runsTable), runsTable);
        assertTrue(chartsPage.test(charts), charts);
        assertTrue(comparePage.test(compare), compare);
        assertTrue(genAiOverview.test(bare), "MLflow opened the bare experiment address in its training view; the"
                + " workflowType parameter may no longer be needed: " + bare);
    }

    /** A DML4J run through {@link TribuoTracking}: curves, validation, test evaluation and the model. */
    private static RunInfo trackedRun(TribuoTracking tracking, MutableDataset<Label> data,
                                      MutableDataset<Label> test, double learningRate) {
        TrackedRun run = tracking.run("ui-lr-" + learningRate);
        MetricLearningTrainer trainer = MetricLearningTrainer.builder(NetworkSpecs.parse("mlp:16,4"),
                        new ContrastiveLoss()).sampler(new MPerClassSampler(4)).epochs(4).batchSize(16)
                .learningRate(learningRate).validationFraction(0.25).seed(5).build();
        Model<Label> model = run.train(trainer, data);
        run.evaluate(new RetrievalEvaluator(), model, test, DatasetInput.TEST);
        run.logModel(model, null);
        TrackingOutcome outcome = run.finish();
        assertTrue(outcome.delivered(), outcome.message());
        return outcome.run();
    }
}
