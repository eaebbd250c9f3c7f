package org.dml4j.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformanceCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path cases() throws URISyntaxException {
        return Path.of(ConformanceCommandTest.class.getResource("/cases").toURI());
    }

    @Test
    void passingFolderPrintsOneLinePerCaseAndASummary() throws URISyntaxException {
        CliRun run = run("conformance", cases().toString());
        assertEquals(0, run.exitCode(), String.join("\n", run.lines()) + run.err());
        // 2 loss cases + 21 miner configurations.
        assertEquals(24, run.lines().size());
        assertEquals("23 passed, 0 failed", run.lines().get(23));
        assertTrue(run.lines().stream().anyMatch(l -> l.startsWith("proxy_anchor__random2 PASS")));
    }

    @Test
    void aCaseItHasNeverSeenIsCheckedAndCanFail(@TempDir Path dir) throws IOException, URISyntaxException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(cases().resolve("contrastive__random1.json").toFile());
        root.put("case_id", "contrastive_tampered");
        ((ObjectNode) root.get("expected")).put("loss", 0.75);
        Path tampered = dir.resolve("tampered.json");
        mapper.writeValue(tampered.toFile(), root);
        CliRun run = run("conformance", "--float32", tampered.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.lines().get(0).startsWith("contrastive_tampered FAIL"), run.lines().get(0));
        assertEquals("0 passed, 1 failed", run.lines().get(1));
    }

    @Test
    void anExpectedGradientOfTheWrongShapeFails(@TempDir Path dir) throws IOException, URISyntaxException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(cases().resolve("contrastive__random1.json").toFile());
        int rows = root.at("/inputs/embeddings").size();
        ArrayNode full = (ArrayNode) root.at("/expected/grad_embeddings");
        ArrayNode truncated = mapper.createArrayNode().add(full.get(0)).add(full.get(1));
        for (ArrayNode gradient : List.of(truncated, mapper.createArrayNode())) {
            ((ObjectNode) root.get("expected")).set("grad_embeddings", gradient);
            Path file = dir.resolve("shape.json");
            mapper.writeValue(file.toFile(), root);
            CliRun run = run("conformance", file.toString());
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.lines().get(0).contains(" FAIL ") && run.lines().get(0).contains(
                    "expected.grad_embeddings is " + gradient.size() + "x"), run.lines().get(0));
            assertTrue(run.lines().get(0).contains("but the inputs give " + rows + "x"), run.lines().get(0));
            assertEquals("0 passed, 1 failed (1 malformed: fix the case files)", run.lines().get(1));
        }
    }

    @Test
    void badInputsGiveAClearMessage(@TempDir Path dir) throws IOException {
        CliRun missing = run("conformance", dir.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("No such file or folder"), missing.err());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"schema\": \"dml-golden/loss/v1\", \"case_id\": \"x\", \"inputs\": {}}");
        CliRun bad = run("conformance", broken.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.lines().get(0).contains("missing integer array: inputs.labels"), bad.lines().get(0));
        CliRun empty = run("conformance", dir.resolve("nothing-here").toString());
        assertEquals(2, empty.exitCode());
    }
}
