package org.dml4j.experiments;

import org.dml4j.experiments.data.EmbeddingFiles;
import org.dml4j.experiments.data.ModelData;
import org.dml4j.experiments.io.UserError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dml4j embed}: writes a dataset's embeddings under a saved model to a TSV or NPY file for other tools. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a dataset's embeddings under a saved model, one row per example in dataset order.",
                "TSV: tab-separated values, no header (the TensorBoard projector's format); NPY: a NumPy float32 "
                        + "array of shape (examples, embedding size)."})
public final class EmbedCommand implements Callable<Integer> {

    @Mixin
    private ModelData input;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The embeddings file.")
    private Path out;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "tsv or npy (default: npy for a .npy file, else tsv).")
    private String format;

    @Option(names = "--labels-out", paramLabel = "FILE", description = "Also write the labels, one a line.")
    private Path labelsOut;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OutputPaths.file(out, "--out");
        OutputPaths.file(labelsOut, "--labels-out");
        String chosen = format != null ? format : out.toString().endsWith(".npy") ? "npy" : "tsv";
        if (!chosen.equals("tsv") && !chosen.equals("npy")) {
            throw new UserError("Unknown --format '" + format + "'. Use --format tsv or --format npy.");
        }
        ModelData.Loaded loaded = input.load();
        INDArray embeddings = loaded.model().embed(loaded.examples());
        try {
            if (chosen.equals("npy")) {
                EmbeddingFiles.writeNpy(out, embeddings);
            } else {
                EmbeddingFiles.writeTsv(out, embeddings);
            }
            if (labelsOut != null) {
                List<String> labels = new ArrayList<>();
                for (Example<Label> example : loaded.examples()) {
                    labels.add(example.getOutput().getLabel());
                }
                Files.write(labelsOut, labels, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UserError("Cannot write " + out + ": " + e.getMessage() + ". Check that its folder exists "
                    + "and is writable.", e);
        }
        spec.commandLine().getOut().printf("%d embeddings of size %d written to %s (%s)%n", embeddings.rows(),
                embeddings.columns(), out, chosen);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
