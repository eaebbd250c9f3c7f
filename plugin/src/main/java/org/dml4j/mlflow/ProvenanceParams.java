package org.dml4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns Tribuo/OLCUT provenance into MLflow params: nested objects become dotted keys
 * ({@code trainer.loss.margin}), list elements get their index ({@code trainer.layers.0}), and primitives their
 * value. The full provenance also goes to a JSON artifact, for values that MLflow truncates.
 */
final class ProvenanceParams {

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
        } else if (provenance instanceof MapProvenance<?> map) {
            walkPairs(key, map.iterator(), params);
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

    private static <T extends Provenance> void walkPairs(String key, Iterator<Pair<String, T>> pairs,
                                                         Map<String, String> params) {
        while (pairs.hasNext()) {
            Pair<String, T> pair = pairs.next();
            walk(key + "." + pair.getA(), pair.getB(), params);
        }
    }
}
