package org.dml4j.train;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.data.ExampleIds;
import org.dml4j.data.TupleCsvReader;
import org.dml4j.mining.IndexTuples;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Explicit tuple supervision for {@link MetricLearningTrainer}: the seed's Siamese (pairs), triplet and quadruplet
 * networks, trained from annotations instead of class labels. The annotations are a CSV of example ids read with
 * {@link TupleCsvReader} (see there for the format); ids are dataset row indices unless {@code idColumn} names a
 * metadata field or feature holding each example's id ({@link ExampleIds}).
 * <p>
 * With tuple supervision every batch is a shuffled group of {@code batchSize} annotated tuples: the network (one set
 * of shared weights) embeds the distinct examples of the group once and the loss receives the group's tuples,
 * re-indexed into the batch. Pair annotations with {@code ContrastiveLoss} train a Siamese network (Bromley et al.
 * 1993; Hadsell et al. 2006), triplets with {@code TripletMarginLoss} a triplet network (Hoffer and Ailon 2015),
 * quadruplets with {@code QuadrupletLoss} a quadruplet network (Chen et al. 2017).
 */
public final class TupleSupervision implements Configurable, Provenancable<ConfiguredObjectProvenance> {

    /** The kind of annotation a file holds. */
    public enum Kind {
        /** {@code id_a,id_b,similar}: similar and dissimilar pairs (Siamese networks). */
        PAIRS,
        /** {@code anchor,positive,negative} (triplet networks). */
        TRIPLETS,
        /** {@code anchor,positive,negative,negative2} (quadruplet networks). */
        QUADRUPLETS
    }

    @Config(mandatory = true, description = "The annotation CSV of example ids.")
    private String path;

    @Config(mandatory = true, description = "What the file holds: PAIRS, TRIPLETS or QUADRUPLETS.")
    private Kind kind;

    @Config(description = "The metadata field or feature holding each example's id (none: ids are row indices).")
    private String idColumn;

    /** For OLCUT. */
    private TupleSupervision() {
    }

    /**
     * Supervision whose ids are dataset row indices.
     *
     * @param path the annotation CSV
     * @param kind what it holds
     */
    public TupleSupervision(Path path, Kind kind) {
        this(path, kind, null);
    }

    /**
     * Supervision whose ids are the values of a column.
     *
     * @param path     the annotation CSV
     * @param kind     what it holds
     * @param idColumn the metadata field or feature holding each example's id, or null for row indices
     */
    public TupleSupervision(Path path, Kind kind, String idColumn) {
        this.path = path == null ? null : path.toString();
        this.kind = kind;
        this.idColumn = idColumn;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (path == null || path.isBlank()) {
            throw new PropertyException("", "path", "path must name the annotation CSV, found '" + path + "'");
        }
        if (kind == null) {
            throw new PropertyException("", "kind", "kind must be PAIRS, TRIPLETS or QUADRUPLETS, found null");
        }
        if (idColumn != null && idColumn.isBlank()) {
            throw new PropertyException("", "idColumn", "idColumn must be a column name or unset, found '"
                    + idColumn + "'");
        }
    }

    /** @return the annotation file */
    public Path path() {
        return Path.of(path);
    }

    /** @return what the file holds */
    public Kind kind() {
        return kind;
    }

    /** @return the id column, or null when ids are row indices */
    public String idColumn() {
        return idColumn;
    }

    /**
     * Reads the annotations of a dataset.
     *
     * @param examples the dataset the ids refer to
     * @return the tuples, as row indices of {@code examples}
     * @throws UncheckedIOException     if the file cannot be read or a line is invalid (the message names the file
     *                                  and line)
     * @throws IllegalArgumentException if the id column is missing from an example or not unique
     */
    public IndexTuples read(Dataset<Label> examples) {
        ExampleIds ids = idColumn == null ? ExampleIds.rowIndices(examples.size())
                : ExampleIds.column(examples, idColumn);
        try {
            return switch (kind) {
                case PAIRS -> TupleCsvReader.readPairs(path(), ids);
                case TRIPLETS -> TupleCsvReader.readTriplets(path(), ids);
                case QUADRUPLETS -> TupleCsvReader.readQuadruplets(path(), ids);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tuple annotations: " + e.getMessage(), e);
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "TupleSupervision");
    }

    @Override
    public String toString() {
        return "TupleSupervision(path=" + path + ", kind=" + kind + ", idColumn=" + idColumn + ")";
    }
}
