package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code dml4j} command: a parent for the subcommands. */
@Command(name = "dml4j", mixinStandardHelpOptions = true, version = "DML4J 0.1.0-SNAPSHOT",
        description = "Deep metric learning for the JVM.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, EvalCommand.class, EmbedCommand.class, IndexCommand.class,
                SweepCommand.class,
                CompareCommand.class, ReproduceCommand.class,
                SyncCommand.class, ConformanceCommand.class, SparkEvalCommand.class,
                CommandLine.HelpCommand.class})
public final class Dml4jCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: choose one of "
                + spec.subcommands().keySet());
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // The command prints what matters itself; library INFO logs would repeat it.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The configured command line (for tests, which call {@code execute} without exiting).
     *
     * @return the command line
     */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Dml4jCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("dml4j " + cmd.getCommandName() + ": "
                            + Credentials.withoutUserInfo(describe(e)));
                    cmd.getErr().flush();
                    return 2;
                });
    }

    /** The message a user sees for a failure: a {@link UserError}'s own text, else the root cause's. */
    private static String describe(Exception e) {
        if (e instanceof UserError) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message + (root instanceof RuntimeException && !(root instanceof IllegalArgumentException)
                && !(root instanceof IllegalStateException) ? " (" + root.getClass().getName() + ")" : "");
    }
}
