package org.dml4j.experiments;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One in-process run of the {@code dml4j} command line, with what it printed.
 *
 * @param exitCode the exit status
 * @param lines    standard output, by line
 * @param err      standard error
 */
public record CliRun(int exitCode, List<String> lines, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Dml4jCommand.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CliRun(code, out.toString().lines().toList(), err.toString());
    }

    public String all() {
        return String.join("\n", lines) + "\n" + err;
    }
}
