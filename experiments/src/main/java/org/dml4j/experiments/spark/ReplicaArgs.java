package org.dml4j.experiments.spark;

import org.dml4j.experiments.training.TrainerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** The trainer options of a {@code train} command line, read again on an executor (the other options are left). */
@Command(name = "replica")
final class ReplicaArgs {

    @Mixin
    private TrainerOptions trainer;

    private ReplicaArgs() {
    }

    /**
     * @param arguments the {@code train} arguments the driver parsed
     * @return their trainer options
     */
    static TrainerOptions parse(List<String> arguments) {
        ReplicaArgs parsed = new ReplicaArgs();
        new CommandLine(parsed).setUnmatchedArgumentsAllowed(true).parseArgs(arguments.toArray(String[]::new));
        return parsed.trainer;
    }
}
