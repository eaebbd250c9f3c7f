package org.dml4j.experiments;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutPicocliFormatWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (String command : Dml4jCommand.newCommandLine().getSubcommands().keySet()) {
                CliRun help = CliRun.of(command, "--help");
                assertEquals(0, help.exitCode(), command + ": " + help.all());
            }
        } finally {
            System.setErr(stderr);
        }
        String printed = warnings.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains("picocli WARN"), printed);
        String train = String.join(" ", CliRun.of("train", "--help").all().split("\\s+"));
        assertTrue(train.contains("(default: 20% of the training pairs, held out by --seed)"), train);
    }
}
