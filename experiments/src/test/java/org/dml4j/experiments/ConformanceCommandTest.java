package org.dml4j.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformanceCommandTest {

    private record Run(int exitCode, List<String> lines, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Dml4jCommand.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString().lines().toList(), err.toString());
    }

    private static Path cases() throws URISyntaxException {
        return Path.of(ConformanceCommandTest.class.getResource("/cases").toURI());
    }

    @Test
    void passingFolderPrintsOneLinePerCaseAndASummary() throws URISyntaxException {
        Run run = run("conformance", cases().toString());
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
        Run run = run("conformance", "--float32", tampered.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.lines().get(0).startsWith("contrastive_tampered FAIL"), run.lines().get(0));
        assertEquals("0 passed, 1 failed", run.lines().get(1));
    }

    @Test
    void badInputsGiveAClearMessage(@TempDir Path dir) throws IOException {
        Run missing = run("conformance", dir.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("No such file or folder"), missing.err());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"schema\": \"dml-golden/loss/v1\", \"case_id\": \"x\", \"inputs\": {}}");
        Run bad = run("conformance", broken.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.lines().get(0).contains("missing integer array: inputs.labels"), bad.lines().get(0));
        Run empty = run("conformance", dir.resolve("nothing-here").toString());
        assertEquals(2, empty.exitCode());
    }
}
