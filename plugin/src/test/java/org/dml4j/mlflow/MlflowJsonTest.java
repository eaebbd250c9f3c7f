package org.dml4j.mlflow;

import org.dml4j.mlflow.protos.MlflowApi;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MLflow's messages as JSON: what the plugin writes, and how it reads untrusted answers. */
class MlflowJsonTest {

    private static final String CALL = "MLflow server http://x answered GET runs/get (HTTP 200)";

    @Test
    void requestsUseMlflowsFieldNamesAndEnumNames() {
        String json = MlflowJson.print(MlflowApi.UpdateRun.newBuilder().setRunId("r1")
                .setStatus(MlflowApi.RunStatus.FINISHED).setEndTime(1700000000123L).build());
        assertEquals("{\"status\":\"FINISHED\",\"end_time\":\"1700000000123\",\"run_id\":\"r1\"}", json,
                "proto field names in field-number order, int64 as a string, the enum by name");
    }

    @Test
    void aNewerServersFieldsAndEnumValuesAreIgnored() {
        String answer = """
                {"run": {"info": {"run_id": "r1", "status": "PAUSED_IN_MLFLOW_9", "start_time": 12,
                  "a_new_field": {"deep": [1, 2]}}, "data": {"params": [{"key": "k", "value": "v", "new": true}]},
                  "new_section": "x"}, "new_top": 1}""";
        MlflowApi.Run run = MlflowJson.parse(bytes(answer), MlflowApi.GetRun.Response.getDefaultInstance(), CALL)
                .getRun();
        assertEquals("r1", run.getInfo().getRunId());
        assertEquals(12, run.getInfo().getStartTime());
        assertFalse(run.getInfo().hasStatus(), "an unknown status is left unset");
        assertEquals("v", run.getData().getParams(0).getValue());
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorNamingTheCallAndMessage() {
        MlflowException e = assertThrows(MlflowException.class, () -> MlflowJson.parse(
                bytes("{\"run\": {\"info\": {\"start_time\": \"yesterday\"}}}"),
                MlflowApi.GetRun.Response.getDefaultInstance(), CALL));
        assertEquals(FailureKind.REJECTED, e.kind());
        assertTrue(e.getMessage().startsWith(CALL + " with JSON that does not follow MLflow's"
                + " mlflow.GetRun.Response message"), e.getMessage());
        assertTrue(e.getMessage().contains("yesterday"), e.getMessage());

        MlflowException notAnObject = assertThrows(MlflowException.class, () -> MlflowJson.parse(
                bytes("<html>proxy error</html>"), MlflowApi.GetRun.Response.getDefaultInstance(), CALL));
        assertTrue(notAnObject.getMessage().startsWith(CALL), notAnObject.getMessage());
    }

    @Test
    void anEmptyAnswerIsTheEmptyMessage() {
        assertEquals(MlflowApi.LogBatch.Response.getDefaultInstance(),
                MlflowJson.parse(new byte[0], MlflowApi.LogBatch.Response.getDefaultInstance(), CALL));
    }

    @Test
    void getRequestsBecomeQueryParametersByFieldName() {
        List<Map.Entry<String, String>> query = MlflowJson.query(MlflowApi.GetMetricHistory.newBuilder()
                .setRunId("r1").setMetricKey("val/map").setMaxResults(25000).build());
        assertEquals(List.of(Map.entry("metric_key", "val/map"), Map.entry("run_id", "r1"),
                Map.entry("max_results", "25000")), query, "in field-number order");
        assertEquals(List.of(Map.entry("order_by", "a"), Map.entry("order_by", "b")), MlflowJson.query(
                MlflowApi.SearchModelVersions.newBuilder().addOrderBy("a").addOrderBy("b").build()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
