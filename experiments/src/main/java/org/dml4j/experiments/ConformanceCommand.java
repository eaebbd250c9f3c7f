package org.dml4j.experiments;

import org.dml4j.conformance.CaseResult;
import org.dml4j.conformance.ConformanceRunner;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code dml4j conformance PATH...}: checks case files in the {@code dml-golden} schema (PML reference values) and
 * prints one line per case and a last line {@code N passed, M failed}; exits 1 if any failed, 2 if a case file is
 * malformed (unreadable, not the schema, or expected arrays whose shapes and counts do not match the inputs).
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Check DML4J against pytorch-metric-learning reference cases (dml-golden schema: losses "
                + "with gradients, miners, retrieval metrics).",
                "Prints one line per case (id, PASS/FAIL, worst error as a fraction of its tolerance, detail) and "
                        + "a last line 'N passed, M failed'. Exit code 1 if any case failed, 2 if a case file is "
                        + "malformed (unreadable, not the schema, or expected arrays of the wrong shape or count)."})
public final class ConformanceCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Case files, or folders searched recursively.")
    private List<Path> paths;

    @Option(names = "--float32", description = "Compute in float32 (tolerance 1e-4 relative) instead of float64 "
            + "(the reference's own tolerances).")
    private boolean float32;

    @Option(names = "--failures-only", description = "Print only the failed cases (and the summary).")
    private boolean failuresOnly;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "No such file or folder: " + path
                        + " (give case files or folders, e.g. ../shared/golden)");
            }
        }
        List<CaseResult> results = new ConformanceRunner(float32 ? DataType.FLOAT : DataType.DOUBLE).run(paths);
        if (results.isEmpty()) {
            spec.commandLine().getErr().println("dml4j conformance: no dml-golden case files under " + paths);
            return 2;
        }
        long passed = results.stream().filter(CaseResult::passed).count();
        for (CaseResult result : results) {
            if (!failuresOnly || !result.passed()) {
                out.println(result.toLine());
            }
        }
        long malformed = results.stream().filter(CaseResult::malformed).count();
        out.println(passed + " passed, " + (results.size() - passed) + " failed"
                + (malformed > 0 ? " (" + malformed + " malformed: fix the case files)" : ""));
        out.flush();
        return malformed > 0 ? 2 : passed == results.size() ? 0 : 1;
    }
}
