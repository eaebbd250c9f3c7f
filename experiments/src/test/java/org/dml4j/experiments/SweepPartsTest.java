package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's search space, stopping rule and file checks. */
class SweepPartsTest {

    @TempDir
    Path dir;

    private static SearchSpace space() {
        Map<String, Hyperparameter> parameters = new LinkedHashMap<>();
        parameters.put("loss", new Hyperparameter.Choice(List.of("triplet", "contrastive")));
        parameters.put("lr", new Hyperparameter.Choice(List.of("0.001", "0.01", "0.1")));
        return new SearchSpace(parameters);
    }

    @Test
    void theGridVariesTheLastParameterFastestAndKeepsToTheBudget() {
        List<Map<String, String>> grid = space().grid(100);
        assertEquals(6, grid.size());
        assertEquals(Map.of("loss", "triplet", "lr", "0.001"), grid.get(0));
        assertEquals(Map.of("loss", "triplet", "lr", "0.01"), grid.get(1));
        assertEquals(Map.of("loss", "contrastive", "lr", "0.1"), grid.get(5));
        assertEquals(4, space().grid(4).size());
    }

    @Test
    void randomSearchIsSeededAndStaysInItsRanges() {
        Map<String, Hyperparameter> parameters = new LinkedHashMap<>();
        parameters.put("lr", new Hyperparameter.Range(1e-4, 1e-2, true, false));
        parameters.put("epochs", new Hyperparameter.Range(2, 6, false, true));
        parameters.put("miner", new Hyperparameter.Choice(List.of("none", "semihard")));
        SearchSpace space = new SearchSpace(parameters);
        List<Map<String, String>> a = space.random(50, 7);
        assertEquals(a, space.random(50, 7));
        assertFalse(a.equals(space.random(50, 8)));
        for (Map<String, String> trial : a) {
            double lr = Double.parseDouble(trial.get("lr"));
            assertTrue(lr >= 1e-4 * 0.999 && lr <= 1e-2 * 1.001, trial.toString());
            int epochs = Integer.parseInt(trial.get("epochs"));
            assertTrue(epochs >= 2 && epochs <= 6, trial.toString());
        }
        assertTrue(a.stream().anyMatch(t -> Double.parseDouble(t.get("lr")) < 1e-3), "log scale reaches low");
        UserError grid = assertThrows(UserError.class, () -> space.grid(10));
        assertTrue(grid.getMessage().contains("needs a list of values for 'lr'"), grid.getMessage());
    }

    @Test
    void theMedianRuleStopsATrialBelowTheOthersMedianAfterTheGraceEpochs() {
        MedianStoppingRule rule = new MedianStoppingRule(new MedianStoppingRule.Settings(1, 2));
        assertFalse(rule.report(1, 1, 0.9));
        assertFalse(rule.report(1, 2, 0.95));
        assertFalse(rule.report(2, 1, 0.5));
        assertFalse(rule.report(2, 2, 0.6), "one other trial is not enough");
        assertFalse(rule.report(3, 1, 0.1), "grace epoch");
        assertTrue(rule.report(3, 2, 0.2), "0.2 < median(0.95, 0.6)");
        assertFalse(rule.report(4, 1, 0.99));
        assertFalse(rule.report(4, 2, 0.3), "its best so far, 0.99, counts");
    }

    @Test
    void sweepFileMistakesGiveOneClearMessage() throws IOException {
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"budget\": 3}").contains("Unknown key 'budget'"));
        assertTrue(error("{\"base\": {}}").contains("needs a \"space\""));
        assertTrue(error("{\"space\": {\"lr\": 0.1}}").contains("must be a non-empty list of values or a range"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]}, \"search\": \"random\"}").contains("needs a trial budget"));
        assertTrue(error("{\"space\": {\"lr\": [0.1]},}").contains("Fix the JSON syntax"));
        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "space: {}");
        assertTrue(assertThrows(UserError.class, () -> SweepFile.read(yaml)).getMessage().contains("JSON"));
        UserError key = assertThrows(UserError.class, () -> TrialArgs.parse(Map.of(), Map.of("learning-rate", "1")));
        assertTrue(key.getMessage().contains("do not fit dml4j train"), key.getMessage());
        UserError data = assertThrows(UserError.class, () -> TrialArgs.parse(Map.of(), Map.of("dataset", "x")));
        assertTrue(data.getMessage().contains("Move it from \"space\" to \"base\""), data.getMessage());
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"space\": {\"lr\": [0.1]}, \"budget\": 3}");
        CliRun run = CliRun.of("sweep", file.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unknown key 'budget'"), run.err());
        assertEquals(0, CliRun.of("sweep", "--help").exitCode());
    }

    private String error(String json) throws IOException {
        Path file = dir.resolve("sweep.json");
        Files.writeString(file, json);
        return assertThrows(UserError.class, () -> SweepFile.read(file)).getMessage();
    }
}
