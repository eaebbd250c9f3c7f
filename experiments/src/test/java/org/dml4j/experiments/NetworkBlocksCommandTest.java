package org.dml4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image networks' attention and pooling blocks on the command line: documented in the help, misuse exits 2. */
class NetworkBlocksCommandTest {

    @Test
    void helpDocumentsTheBlocks() {
        CliRun help = CliRun.of("train", "--help");
        assertEquals(0, help.exitCode(), help.all());
        String text = String.join(" ", help.all().split("\\s+"));
        assertTrue(text.contains("attnH after a stage's width adds a transformer block"), text);
        assertTrue(text.contains("pool=flatten|avg|gem|attention|attentionH"), text);
    }

    @Test
    void aMalformedBlockIsOneLineAndExitCode2(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("images.csv");
        Files.writeString(csv, "p0,p1,p2,p3,label\n1,2,3,4,a\n4,3,2,1,b\n1,1,2,2,a\n2,2,1,1,b\n");
        CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "label", "--network",
                "cnn:4,attn3,8:image=1x2x2");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("the attention heads after stage 1 must divide its 4 channels, found 3"),
                run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
