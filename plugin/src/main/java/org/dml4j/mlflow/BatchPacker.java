package org.dml4j.mlflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs metrics, params and tags into {@link TrackingRecord.LogBatch}es within {@link LogBatchLimits}: no key twice
 * among the params or tags of one batch (MLflow rejects that), and no batch over the limits.
 */
final class BatchPacker {

    private final List<MetricPoint> metrics = new ArrayList<>();
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private long bytes;

    /**
     * Splits one large set of values into batches within the limits, in order: params, then tags, then metrics.
     *
     * @param metrics the metrics
     * @param params  the params
     * @param tags    the tags
     * @return the batches
     */
    static List<TrackingRecord.LogBatch> split(List<MetricPoint> metrics, Map<String, String> params,
                                               Map<String, String> tags) {
        List<TrackingRecord.LogBatch> batches = new ArrayList<>();
        BatchPacker packer = new BatchPacker();
        params.forEach((key, value) -> packer.addOrFlush(
                new TrackingRecord.LogBatch(List.of(), Map.of(key, value), Map.of()), batches));
        tags.forEach((key, value) -> packer.addOrFlush(
                new TrackingRecord.LogBatch(List.of(), Map.of(), Map.of(key, value)), batches));
        metrics.forEach(metric -> packer.addOrFlush(
                new TrackingRecord.LogBatch(List.of(metric), Map.of(), Map.of()), batches));
        if (!packer.isEmpty()) {
            batches.add(packer.batch());
        }
        return batches;
    }

    /**
     * Adds a batch if the sum stays within the limits; an empty packer takes any batch.
     *
     * @param batch the batch to add
     * @return whether it was added
     */
    boolean tryAdd(TrackingRecord.LogBatch batch) {
        long added = 0;
        for (MetricPoint metric : batch.metrics()) {
            added += metric.key().length() + 96L;
        }
        for (Map.Entry<String, String> param : batch.params().entrySet()) {
            added += entryBytes(param);
        }
        for (Map.Entry<String, String> tag : batch.tags().entrySet()) {
            added += entryBytes(tag);
        }
        boolean conflict = batch.params().keySet().stream().anyMatch(params::containsKey)
                || batch.tags().keySet().stream().anyMatch(tags::containsKey);
        if (!isEmpty() && (conflict || !LogBatchLimits.fits(metrics.size() + batch.metrics().size(),
                params.size() + batch.params().size(), tags.size() + batch.tags().size(), bytes + added))) {
            return false;
        }
        metrics.addAll(batch.metrics());
        params.putAll(batch.params());
        tags.putAll(batch.tags());
        bytes += added;
        return true;
    }

    /**
     * Whether nothing was added.
     *
     * @return true when empty
     */
    boolean isEmpty() {
        return metrics.isEmpty() && params.isEmpty() && tags.isEmpty();
    }

    /**
     * What was added, as one batch.
     *
     * @return the batch
     */
    TrackingRecord.LogBatch batch() {
        return new TrackingRecord.LogBatch(List.copyOf(metrics), new LinkedHashMap<>(params),
                new LinkedHashMap<>(tags));
    }

    private void addOrFlush(TrackingRecord.LogBatch single, List<TrackingRecord.LogBatch> batches) {
        if (!tryAdd(single)) {
            batches.add(batch());
            metrics.clear();
            params.clear();
            tags.clear();
            bytes = 0;
            tryAdd(single);
        }
    }

    private static long entryBytes(Map.Entry<String, String> entry) {
        return 2L * (entry.getKey().length() + entry.getValue().length()) + 40;
    }
}
