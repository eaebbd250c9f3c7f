package org.dml4j.mlflow;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import org.dml4j.loss.TripletMarginLoss;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key rules, value limits, artifact paths, batch packing, provenance flattening and credentials, without a server. */
class KeysAndPathsTest {

    @Test
    void keysFollowMlflowRules() {
        assertEquals("val/recall_at_1", MlflowKeys.sanitizeKey("val/recall_at_1"));
        assertEquals("a_b/c_d", MlflowKeys.sanitizeKey("a@b//c#d"));
        assertEquals("_/x", MlflowKeys.sanitizeKey("/../x"));
        assertEquals("_", MlflowKeys.sanitizeKey(""));
        String longA = MlflowKeys.sanitizeKey("k".repeat(300) + "a");
        String longB = MlflowKeys.sanitizeKey("k".repeat(300) + "b");
        assertEquals(MlflowKeys.MAX_KEY_LENGTH, longA.length());
        assertNotEquals(longA, longB);
    }

    @Test
    void longValuesAreTruncatedVisibly() {
        assertEquals("short", MlflowKeys.truncate("short", 10));
        String cut = MlflowKeys.truncate("x".repeat(100), 50);
        assertEquals(50, cut.length());
        assertTrue(cut.endsWith("...[truncated, 100 chars in total]"), cut);
    }

    @Test
    void artifactPathsCannotEscape() {
        assertEquals("eval/queries.csv", ArtifactPaths.normalize("./eval//queries.csv"));
        assertEquals("a/b", ArtifactPaths.normalize("a\\b"));
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "C:/x", "a/..", "a\u0000b")) {
            assertThrows(IllegalArgumentException.class, () -> ArtifactPaths.normalize(bad), bad);
        }
    }

    @Test
    void batchesStayWithinLimits() {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            params.put("p" + i, "v");
        }
        List<MetricPoint> metrics = java.util.stream.IntStream.range(0, 2500)
                .mapToObj(i -> new MetricPoint("m", i, 0, i)).toList();
        List<TrackingRecord.LogBatch> batches = BatchPacker.split(metrics, params, Map.of("t", "v"));
        assertEquals(250, batches.stream().mapToInt(b -> b.params().size()).sum());
        assertEquals(2500, batches.stream().mapToInt(b -> b.metrics().size()).sum());
        for (TrackingRecord.LogBatch batch : batches) {
            assertTrue(batch.params().size() <= 100 && batch.metrics().size() <= 1000
                    && batch.params().size() + batch.tags().size() + batch.metrics().size() <= 1000);
        }
        BatchPacker packer = new BatchPacker();
        assertTrue(packer.tryAdd(new TrackingRecord.LogBatch(List.of(), Map.of(), Map.of("k", "1"))));
        assertFalse(packer.tryAdd(new TrackingRecord.LogBatch(List.of(), Map.of(), Map.of("k", "2"))),
                "a repeated tag key starts a new batch");
    }

    @Test
    void provenanceFlattensIntoDottedKeys() {
        ObjectProvenance provenance = new TripletMarginLoss(0.3).getProvenance();
        Map<String, String> params = ProvenanceParams.flatten(provenance, "trainer");
        assertEquals("0.3", params.get("trainer.margin"));
        assertEquals("false", params.get("trainer.swap"));
        assertTrue(params.keySet().stream().anyMatch(key -> key.startsWith("trainer.distance.")), params.toString());
        assertTrue(ProvenanceParams.json(provenance).contains("\"margin\""));
    }

    @Test
    void credentialsNeverShowAndPickTheRightScheme() {
        Credentials basic = new Credentials("u", "pw-123", null);
        assertTrue(basic.authorizationHeader().orElseThrow().startsWith("Basic "));
        assertFalse(basic.toString().contains("pw-123"));
        assertEquals("Bearer tok", Credentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "tok"))
                .authorizationHeader().orElseThrow());
        assertTrue(Credentials.NONE.authorizationHeader().isEmpty());
        SecretRedactor redactor = new SecretRedactor(basic);
        assertEquals("x****y", redactor.redact("xpw-123y"));
        assertEquals(SecretRedactor.MASK, redactor.redact("api_key", "abc"));
    }
}
