package org.dml4j.experiments.io;

import org.dml4j.experiments.CliRun;
import org.dml4j.experiments.ClusterCsv;
import org.dml4j.experiments.XxePayloads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XML external entity payloads in {@code --config} files (issue 23): each is refused with exit 2 before OLCUT's
 * parser, which resolves entities, sees the file; no local file is echoed and no connection is made.
 */
class ConfigFilesTest {

    /** A line no error message may show: the content of the "local secret" the payloads try to read. */
    private static final String SECRET = "dml4j-local-secret-5b1e07";

    @TempDir
    static Path dir;
    private static Path csv;
    private static Path secretFile;

    @BeforeAll
    static void data() throws IOException {
        csv = ClusterCsv.write(dir);
        secretFile = dir.resolve("secret.txt");
        Files.writeString(secretFile, SECRET + "\n");
    }

    @Test
    void aFileEntityIsRefusedWithoutEchoingTheFile() throws IOException {
        Path config = write("file-entity.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE config [<!ENTITY xxe SYSTEM "%s">]>
                <config><component name="trainer" type="&xxe;"/></config>
                """.formatted(secretFile.toUri()));
        CliRun run = train(config);
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("declares a DTD") && run.err().contains("file-entity.xml line 2"), run.err());
        assertFalse(run.all().contains(SECRET), run.all());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a parser that connects waits forever
    void anHttpEntityMakesNoRequest() throws IOException {
        try (ServerSocket listener = XxePayloads.listener()) {
            Path config = write("http-entity.xml", """
                    <?xml version="1.0"?>
                    <!DOCTYPE config [<!ENTITY xxe SYSTEM "http://127.0.0.1:%d/entity">]>
                    <config><component name="trainer" type="org.dml4j.train.MetricLearningTrainer">
                      <property name="epochs" value="&xxe;"/></component></config>
                    """.formatted(listener.getLocalPort()));
            CliRun run = train(config);
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains("declares a DTD"), run.err());
            XxePayloads.assertNoConnection(listener);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anOutOfBandParameterEntityDtdSendsNothing() throws IOException {
        try (ServerSocket listener = XxePayloads.listener()) {
            Path config = write("oob.xml", XxePayloads.outOfBandDtd(secretFile, listener.getLocalPort()));
            CliRun run = train(config);
            assertEquals(2, run.exitCode(), run.all());
            assertTrue(run.err().contains("declares a DTD"), run.err());
            assertFalse(run.all().contains(SECRET), run.all());
            XxePayloads.assertNoConnection(listener);
        }
    }

    @Test
    void anIncludedFileIsCheckedToo() throws IOException {
        write("included.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE config [<!ENTITY xxe SYSTEM "%s">]>
                <config><property name="x" value="&xxe;"/></config>
                """.formatted(secretFile.toUri()));
        Path config = write("includer.xml", """
                <?xml version="1.0"?>
                <config><file name="more" value="included.xml"/></config>
                """);
        CliRun run = train(config);
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("included.xml line 2") && run.err().contains("declares a DTD"), run.err());
        assertFalse(run.all().contains(SECRET), run.all());
    }

    @Test
    void malformedXmlNamesTheLine() throws IOException {
        Path config = write("broken.xml", "<config>\n<component name=\"trainer\"\n</config>\n");
        CliRun run = train(config);
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("Cannot parse the configuration file") && run.err().contains("broken.xml line"),
                run.err());
    }

    @Test
    void anUntrustedConfigurationHoldsDml4jComponentsOnly() throws IOException {
        ConfigFiles.check(Path.of("configs", "triplet.xml"), true);
        String[][] refused = {
                {"<config><file name=\"x\" value=\"other.xml\"/></config>", "includes another file"},
                {"<config><serialized name=\"x\" type=\"java.lang.Object\" location=\"http://h/x\"/></config>",
                        "uses <serialized>"},
                {"<config><component name=\"trainer\" type=\"org.dml4j.train.MetricLearningTrainer\" "
                        + "serialized=\"x\"/></config>", "the attribute serialized"},
                {"<config><component name=\"trainer\" type=\"org.dml4j.train.MetricLearningTrainer\" "
                        + "import=\"true\"/></config>", "the attribute import"},
                {"<config><component name=\"trainer\" type=\"org.tribuo.data.sql.SQLDataSource\"/></config>",
                        "not a DML4J class"},
                {"<config><component name=\"t\" type=\"org.dml4j.train.MetricLearningTrainer\"><property "
                        + "name=\"checkpointDirectory\" value=\"/tmp/x\"/></component></config>", "output path"},
                {"<config><property name=\"x\" value=\"${user.home}\"/></config>", "${...} variable"}};
        for (String[] payload : refused) {
            Path config = write("untrusted.xml", payload[0]);
            UserError error = assertThrows(UserError.class, () -> ConfigFiles.check(config, true), payload[0]);
            assertTrue(error.getMessage().contains(payload[1]), error.getMessage());
        }
    }

    private static CliRun train(Path config) {
        return CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--config",
                config.toString(), "--quiet", "--epochs", "1");
    }

    private static Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
