package org.dml4j.mlflow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Links into the MLflow UI that open in its training view. MLflow 3 keeps a per-browser choice between its GenAI view
 * (traces, evaluations; a fresh browser's default) and its model-training view (runs, metric charts), and in 3.17 a
 * link without {@code workflowType=machine_learning} opens the GenAI one even for an experiment tagged
 * {@link MlflowKeys#EXPERIMENT_KIND_TAG} = {@link MlflowKeys#MODEL_TRAINING_KIND}; every link here carries it.
 */
public final class MlflowUi {

    private static final String TRAINING_VIEW = "workflowType=machine_learning";

    private MlflowUi() {
    }

    /**
     * A run's page.
     *
     * @param trackingUri the server, without user-info
     * @param run         the run
     * @return e.g. {@code http://127.0.0.1:5000/#/experiments/1/runs/abc?workflowType=machine_learning}
     */
    public static String runUrl(String trackingUri, RunInfo run) {
        return base(trackingUri) + "/#/experiments/" + run.experimentId() + "/runs/" + run.runId() + "?"
                + TRAINING_VIEW;
    }

    /**
     * An experiment's runs table.
     *
     * @param trackingUri  the server
     * @param experimentId the experiment
     * @return the URL
     */
    public static String runsTableUrl(String trackingUri, String experimentId) {
        return base(trackingUri) + "/#/experiments/" + experimentId + "/runs?compareRunsMode=TABLE&" + TRAINING_VIEW;
    }

    /**
     * An experiment's metric charts (every run's curves, grouped by key prefix).
     *
     * @param trackingUri  the server
     * @param experimentId the experiment
     * @return the URL
     */
    public static String chartsUrl(String trackingUri, String experimentId) {
        return base(trackingUri) + "/#/experiments/" + experimentId + "/runs?compareRunsMode=CHART&"
                + TRAINING_VIEW;
    }

    /**
     * The comparison of runs of one experiment (params, metrics, charts side by side).
     *
     * @param trackingUri  the server
     * @param experimentId the experiment
     * @param runIds       the runs
     * @return the URL
     */
    public static String compareUrl(String trackingUri, String experimentId, List<String> runIds) {
        String runs = runIds.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
        return base(trackingUri) + "/#/compare-runs?runs=" + URLEncoder.encode(runs, StandardCharsets.UTF_8)
                + "&experiments=" + URLEncoder.encode("[\"" + experimentId + "\"]", StandardCharsets.UTF_8) + "&"
                + TRAINING_VIEW;
    }

    private static String base(String trackingUri) {
        return trackingUri.replaceAll("/+$", "");
    }
}
