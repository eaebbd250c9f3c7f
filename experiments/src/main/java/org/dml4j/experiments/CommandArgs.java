package org.dml4j.experiments;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.mlflow.Credentials;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A command's own arguments as the {@code cli/args.json} artifact of a tracked run, so that {@code reproduce} can
 * run it again; an OLCUT configuration file it used is logged under {@link #CONFIG_FOLDER}.
 *
 * @param command          the subcommand, e.g. {@code train}
 * @param args             the arguments as given
 * @param workingDirectory the folder relative paths in them were resolved against
 */
record CommandArgs(@JsonProperty("command") String command, @JsonProperty("args") List<String> args,
                   @JsonProperty("working_directory") String workingDirectory) {

    /** The artifact path in a tracked run. */
    static final String ARTIFACT = "cli/args.json";

    /** The artifact folder of the configuration file a run used. */
    static final String CONFIG_FOLDER = "config/";

    /**
     * The arguments the running command was given: picocli's original arguments without the subcommand's name,
     * which leads them when the command ran under {@code dml4j} (the root takes no option values) and is absent
     * when another command executed it directly (as {@code quickstart} does {@code train}). The user-info of URIs
     * in them (a password in {@code --tracking-uri http://user:password@host}) is removed.
     *
     * @param spec the running command (one without positional parameters)
     * @return its arguments
     */
    static CommandArgs of(CommandLine.Model.CommandSpec spec) {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        if (!args.isEmpty() && args.get(0).equals(spec.name())) {
            args = args.subList(1, args.size());
        }
        return new CommandArgs(spec.name(), args.stream().map(Credentials::withoutUserInfo).toList(),
                Path.of("").toAbsolutePath().toString());
    }

    /**
     * Reads the artifact.
     *
     * @param json its bytes
     * @return the arguments
     * @throws IOException when it is not such a file
     */
    static CommandArgs parse(byte[] json) throws IOException {
        CommandArgs args = JsonFiles.MAPPER.readValue(json, CommandArgs.class);
        if (args.command == null || args.args == null) {
            throw new IOException("not a command's arguments: command or args is missing");
        }
        return args;
    }
}
