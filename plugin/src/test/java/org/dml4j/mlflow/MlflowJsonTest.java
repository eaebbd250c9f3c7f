package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.dml4j.mlflow.protos.MlflowApi;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MLflow's messages as JSON, the official client's and the plugin's for MLflow 3's parts: what the plugin writes, and
 * how it reads untrusted answers.
 */
class MlflowJsonTest {

    private static final String CALL = "MLflow server http://x answered GET runs/get (HTTP 200)";

    @Test
    void requestsUseMlflowsFieldNamesAndEnumNames() {
        String json = MlflowJson.print(Service.UpdateRun.newBuilder().setRunId("r1")
                .setStatus(Service.RunStatus.FINISHED).setEndTime(1700000000123L).build());
        assertEquals("{\"status\":\"FINISHED\",\"end_time\":\"1700000000123\",\"run_id\":\"r1\"}", json,
                "proto field names in field-number order, int64 as a string, the enum by name");
    }

    @Test
    void aNewerServersFieldsAndEnumValuesAreIgnored() {
        String answer = """
                {"run": {"info": {"run_id": "r1", "status": "PAUSED_IN_MLFLOW_9", "start_time": 12,
                  "a_new_field": {"deep": [1, 2]}}, "data": {"params": [{"key": "k", "value": "v", "new": true}]},
                  "new_section": "x"}, "new_top": 1}""";
        Service.Run run = MlflowJson.parse(bytes(answer), Service.GetRun.Response.getDefaultInstance(), CALL)
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
                Service.GetRun.Response.getDefaultInstance(), CALL));
        assertEquals(FailureKind.REJECTED, e.kind());
        assertTrue(e.getMessage().startsWith(CALL + " with JSON that does not follow MLflow's"
                + " mlflow.GetRun.Response message"), e.getMessage());
        assertTrue(e.getMessage().contains("yesterday"), e.getMessage());

        MlflowException notAnObject = assertThrows(MlflowException.class, () -> MlflowJson.parse(
                bytes("<html>proxy error</html>"), Service.GetRun.Response.getDefaultInstance(), CALL));
        assertTrue(notAnObject.getMessage().startsWith(CALL), notAnObject.getMessage());
    }

    @Test
    void anEmptyAnswerIsTheEmptyMessage() {
        assertEquals(Service.LogBatch.Response.getDefaultInstance(),
                MlflowJson.parse(new byte[0], Service.LogBatch.Response.getDefaultInstance(), CALL));
    }

    @Test
    void getRequestsBecomeQueryParametersByFieldName() {
        List<Map.Entry<String, String>> query = MlflowJson.query(Service.GetMetricHistory.newBuilder()
                .setRunId("r1").setMetricKey("val/map").setMaxResults(25000).build());
        assertEquals(List.of(Map.entry("metric_key", "val/map"), Map.entry("run_id", "r1"),
                Map.entry("max_results", "25000")), query, "in field-number order");
        assertEquals(List.of(Map.entry("order_by", "a"), Map.entry("order_by", "b")), MlflowJson.query(
                ModelRegistry.SearchModelVersions.newBuilder().addOrderBy("a").addOrderBy("b").build()));
    }

    @Test
    void theMlflow3MessagesWriteTheFieldsTheOfficialOnesLack() {
        String json = MlflowJson.print(MlflowApi.LogBatch.newBuilder().setRunId("r1").addMetrics(MlflowApi.Metric
                .newBuilder().setKey("train/loss").setValue(0.5).setTimestamp(7).setStep(2).setModelId("m-1")).build());
        assertEquals("{\"run_id\":\"r1\",\"metrics\":[{\"key\":\"train/loss\",\"value\":0.5,\"timestamp\":\"7\","
                + "\"step\":\"2\",\"model_id\":\"m-1\"}]}", json);
    }

    @Test
    void aRunIsReadWithTheOfficialMessageAndItsMlflow3PartsWithThePlugins() {
        String answer = """
                {"run": {"info": {"run_id": "r1", "status": "FINISHED"},
                  "data": {"metrics": [{"key": "loss", "value": 0.5, "step": 3, "model_id": "m-1"}]},
                  "inputs": {"dataset_inputs": [{"dataset": {"name": "train.csv"}}],
                             "model_inputs": [{"model_id": "m-0"}]},
                  "outputs": {"model_outputs": [{"model_id": "m-1", "step": 3}]}}}""";
        assertFalse(MlflowJson.parse(bytes(answer), Service.GetRun.Response.getDefaultInstance(), CALL).toString()
                .contains("m-1"), "the official Run drops MLflow 3's parts");
        JsonNode run = MlflowJson.merged(Service.GetRun.Response.getDefaultInstance(),
                MlflowApi.GetRun.Response.getDefaultInstance()).read(bytes(answer), CALL).path("run");
        assertEquals("FINISHED", run.at("/info/status").asText());
        assertEquals("train.csv", run.at("/inputs/dataset_inputs/0/dataset/name").asText(), run.toString());
        assertEquals("m-0", run.at("/inputs/model_inputs/0/model_id").asText(), run.toString());
        assertEquals("m-1", run.at("/outputs/model_outputs/0/model_id").asText());
        assertEquals("3", run.at("/outputs/model_outputs/0/step").asText());
        assertEquals("3", run.at("/data/metrics/0/step").asText());

        MlflowException e = assertThrows(MlflowException.class, () -> MlflowJson.merged(
                Service.GetRun.Response.getDefaultInstance(), MlflowApi.GetRun.Response.getDefaultInstance())
                .read(bytes("{\"run\": {\"outputs\": {\"model_outputs\": [{\"step\": \"later\"}]}}}"), CALL));
        assertTrue(e.getMessage().startsWith(CALL + " with JSON that does not follow MLflow's"
                + " mlflow.GetRun.Response message") && e.getMessage().contains("later"), e.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
