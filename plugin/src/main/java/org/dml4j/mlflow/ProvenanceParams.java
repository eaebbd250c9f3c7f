package org.dml4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns Tribuo/OLCUT provenance into MLflow params: nested objects become dotted keys
 * ({@code trainer.loss.margin}), list elements get their index ({@code trainer.layers.0}), and primitives their
 * value. A list or map of more than {@value #MAX_ENTRIES} entries (a dataset view's row indices, a wide CSV's
 * columns) is summarised by two params, {@code KEY.size} and {@code KEY.sha256} (a digest of its entries), so that a
 * run's param count does not grow with its data. The full provenance also goes to a JSON artifact, for values that
 * are summarised or that MLflow truncates.
 */
final class ProvenanceParams {

    /** The most entries of a list or map flattened one param each; longer ones are summarised. */
    static final int MAX_ENTRIES = 32;

    private ProvenanceParams() {
    }

    /**
     * Flattens a provenance into dotted keys.
     *
     * @param provenance the provenance
     * @param prefix     the first key segment, e.g. {@code trainer}
     * @return the values by key, in the provenance's order
     */
    static Map<String, String> flatten(ObjectProvenance provenance, String prefix) {
        Map<String, String> params = new LinkedHashMap<>();
        walk(prefix, provenance, params);
        return params;
    }

    /**
     * The provenance as indented JSON (OLCUT's map form).
     *
     * @param provenance the provenance
     * @return the JSON text
     */
    static String json(ObjectProvenance provenance) {
        try {
            return MlflowHttp.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(ProvenanceUtil.convertToMap(provenance));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the provenance of " + provenance.getClassName()
                    + " as JSON: " + e.getMessage(), e);
        }
    }

    private static void walk(String key, Provenance provenance, Map<String, String> params) {
        if (provenance instanceof ObjectProvenance object) {
            walkPairs(key, object.iterator(), params);
        } else if (provenance instanceof MapProvenance<?> map && map.getMap().size() > MAX_ENTRIES) {
            summarise(key, map.getMap().size(), map.getMap().entrySet(), params);
        } else if (provenance instanceof MapProvenance<?> map) {
            walkPairs(key, map.iterator(), params);
        } else if (provenance instanceof ListProvenance<?> list && list.getList().size() > MAX_ENTRIES) {
            summarise(key, list.getList().size(), list.getList(), params);
        } else if (provenance instanceof ListProvenance<?> list) {
            int index = 0;
            for (Provenance element : list) {
                walk(key + "." + index++, element, params);
            }
            if (index == 0) {
                params.put(key, "[]");
            }
        } else if (provenance instanceof PrimitiveProvenance<?> primitive) {
            params.put(key, String.valueOf(primitive.getValue()));
        } else {
            params.put(key, String.valueOf(provenance));
        }
    }

    private static void summarise(String key, int size, Iterable<?> entries, Map<String, String> params) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
        for (Object entry : entries) {
            digest.update((entry + "\n").getBytes(StandardCharsets.UTF_8));
        }
        params.put(key + ".size", String.valueOf(size));
        params.put(key + ".sha256", HexFormat.of().formatHex(digest.digest()));
    }

    private static <T extends Provenance> void walkPairs(String key, Iterator<Pair<String, T>> pairs,
                                                         Map<String, String> params) {
        while (pairs.hasNext()) {
            Pair<String, T> pair = pairs.next();
            walk(key + "." + pair.getA(), pair.getB(), params);
        }
    }
}
