package org.dml4j.mlflow;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run as read back from a tracking server ({@link RunReader#read}). Every value is the server's, so untrusted: a
 * reader of a shared server may find anything another user logged.
 *
 * @param info    the run's identity
 * @param name    its name (its id when it has none)
 * @param params  its params, by key, sorted
 * @param metrics its metrics' latest values, by key, sorted
 * @param tags    its tags, by key, sorted
 */
public record RunRecord(RunInfo info, String name, Map<String, String> params, Map<String, Double> metrics,
                        Map<String, String> tags) {

    /**
     * Copies the maps, sorted by key.
     *
     * @param info    the run's identity
     * @param name    its name
     * @param params  its params
     * @param metrics its latest metric values
     * @param tags    its tags
     */
    public RunRecord {
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** @return the run id */
    public String id() {
        return info.runId();
    }
}
