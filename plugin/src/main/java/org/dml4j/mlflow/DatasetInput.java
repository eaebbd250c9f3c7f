package org.dml4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.FileProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.TimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.URLProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.Dataset;
import org.tribuo.FeatureMap;
import org.tribuo.VariableInfo;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * A dataset as an MLflow run input ({@code runs/log-inputs}): what the UI's Dataset column and the run page's
 * dataset list show.
 * <p>
 * From a Tribuo {@link Dataset}: the <b>name</b> is the data file's name (the first file or URL in the data source's
 * provenance; else the data source's class), the <b>digest</b> the first 16 hex digits of a SHA-256 over the
 * dataset's provenance without its timestamps (so it covers Tribuo's hash of the file's content, the transformations
 * and, for a split, the selected rows: the same data gives the same digest, another split another one), the
 * <b>source</b> the file's URI ({@code local}) or the source's class ({@code code}), the <b>schema</b> the feature
 * columns (at most {@value #MAX_SCHEMA_COLUMNS}) and the output column, the <b>profile</b> the row, feature and
 * output counts.
 *
 * @param name       the dataset's name (at most 500 characters)
 * @param digest     its digest (at most 36 characters)
 * @param sourceType MLflow's source type: {@code local} or {@code code}
 * @param source     the source as JSON
 * @param schema     the schema as JSON ({@code mlflow_colspec}), or null
 * @param profile    the profile as JSON, or null
 * @param context    what the run used it for: {@link #TRAIN}, {@link #VALIDATION} or {@link #TEST}
 */
public record DatasetInput(String name, String digest, String sourceType, String source, String schema,
                           String profile, String context) {

    /** The context of training data. */
    public static final String TRAIN = "train";
    /** The context of validation data (model selection, early stopping). */
    public static final String VALIDATION = "validation";
    /** The context of evaluation (test) data. */
    public static final String TEST = "test";
    /** The most feature columns written to a schema; a wider dataset's count is in the profile. */
    static final int MAX_SCHEMA_COLUMNS = 1000;

    private static final Set<String> CONTEXTS = Set.of(TRAIN, VALIDATION, TEST);

    /**
     * Checks the fields against MLflow's limits.
     *
     * @param name       see the record
     * @param digest     see the record
     * @param sourceType see the record
     * @param source     see the record
     * @param schema     see the record
     * @param profile    see the record
     * @param context    see the record
     * @throws IllegalArgumentException naming the field
     */
    public DatasetInput {
        if (name == null || name.isBlank() || name.length() > 500) {
            throw new IllegalArgumentException("DatasetInput.name must be 1 to 500 characters, found '" + name + "'");
        }
        if (digest == null || digest.isBlank() || digest.length() > 36) {
            throw new IllegalArgumentException("DatasetInput.digest must be 1 to 36 characters, found '" + digest
                    + "'");
        }
        if (!CONTEXTS.contains(context)) {
            throw new IllegalArgumentException("DatasetInput.context must be one of " + CONTEXTS + ", found '"
                    + context + "'");
        }
    }

    /**
     * The input of a Tribuo dataset.
     *
     * @param dataset the dataset
     * @param context {@link #TRAIN}, {@link #VALIDATION} or {@link #TEST}
     * @return the input
     */
    public static DatasetInput of(Dataset<?> dataset, String context) {
        ObjectProvenance provenance = dataset.getProvenance();
        ObjectNode profile = MlflowHttp.JSON.createObjectNode().put("num_rows", dataset.size())
                .put("num_features", dataset.getFeatureMap().size())
                .put("num_outputs", dataset.getOutputInfo().size());
        Location location = locate(provenance);
        return new DatasetInput(location.name(), digest(provenance), location.sourceType(), location.source(),
                schema(dataset.getFeatureMap(), dataset.getOutputFactory().getUnknownOutput().getClass()),
                write(profile), context);
    }

    /** The digest: SHA-256 over the provenance's keys and values, timestamps left out, as 16 hex digits. */
    static String digest(ObjectProvenance provenance) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
        hash(provenance, sha);
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void hash(Provenance provenance, MessageDigest sha) {
        if (provenance instanceof DateTimeProvenance || provenance instanceof DateProvenance
                || provenance instanceof TimeProvenance) {
            return; // when a file was read or changed, not what it holds
        }
        if (provenance instanceof ObjectProvenance object) {
            sha.update(object.getClassName().getBytes(StandardCharsets.UTF_8));
            hashPairs(object.iterator(), sha);
        } else if (provenance instanceof MapProvenance<?> map) {
            hashPairs(map.iterator(), sha);
        } else if (provenance instanceof ListProvenance<?> list) {
            for (Provenance element : list) {
                hash(element, sha);
            }
        } else {
            sha.update((provenance + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static <T extends Provenance> void hashPairs(Iterator<Pair<String, T>> pairs, MessageDigest sha) {
        while (pairs.hasNext()) {
            Pair<String, T> pair = pairs.next();
            sha.update((pair.getA() + "=").getBytes(StandardCharsets.UTF_8));
            hash(pair.getB(), sha);
        }
    }

    /** The name and source: the first file or URL in the provenance, else the data source's class. */
    private static Location locate(ObjectProvenance provenance) {
        URI uri = firstLocation(provenance);
        if (uri != null) {
            String path = uri.getPath() == null ? uri.toString() : uri.getPath();
            Path fileName = Path.of(path.isEmpty() ? "/" : path).getFileName();
            String name = fileName == null ? uri.toString() : fileName.toString();
            return new Location(name, "local", write(MlflowHttp.JSON.createObjectNode().put("uri", uri.toString())));
        }
        ObjectProvenance source = innermostSource(provenance);
        String className = source.getClassName();
        String simple = className.substring(className.lastIndexOf('.') + 1);
        String name = simple;
        for (Pair<String, Provenance> field : source) {
            if (DESCRIPTION.equals(field.getA()) && field.getB() instanceof PrimitiveProvenance<?> description) {
                name = nameFrom(String.valueOf(description.getValue()), simple);
            }
        }
        return new Location(name, "code", write(MlflowHttp.JSON.createObjectNode().put("class", className)));
    }

    /** The field of a data source's provenance (Tribuo's {@code SimpleDataSourceProvenance}) that describes it. */
    private static final String DESCRIPTION = "description";

    /**
     * A dataset name from a source's free-text description: the file name of the first path in it (an IDX or image
     * folder source names its files there), else the description itself, shortened.
     */
    static String nameFrom(String description, String otherwise) {
        for (String token : description.strip().split("\\s+")) {
            String path = token.replaceAll("[,;:)(]+$", "");
            if (path.contains("/") && Path.of(path).getFileName() != null) {
                return Path.of(path).getFileName().toString();
            }
        }
        String text = description.strip();
        if (text.isEmpty()) {
            return otherwise;
        }
        return text.length() <= MAX_NAME ? text : text.substring(0, MAX_NAME - 3) + "...";
    }

    /** The longest dataset name taken from a description. */
    private static final int MAX_NAME = 80;

    private static URI firstLocation(Provenance provenance) {
        if (provenance instanceof FileProvenance file) {
            return file.getValue().getAbsoluteFile().toURI();
        }
        if (provenance instanceof URLProvenance url) {
            try {
                return url.getValue().toURI();
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }
        Iterator<? extends Pair<String, ? extends Provenance>> pairs = provenance instanceof ObjectProvenance o
                ? o.iterator() : provenance instanceof MapProvenance<?> m ? m.iterator() : null;
        if (pairs != null) {
            while (pairs.hasNext()) {
                URI found = firstLocation(pairs.next().getB());
                if (found != null) {
                    return found;
                }
            }
        } else if (provenance instanceof ListProvenance<?> list) {
            for (Provenance element : list) {
                URI found = firstLocation(element);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The innermost data source's class: a dataset's provenance nests its source's (a view's, its dataset's). */
    private static ObjectProvenance innermostSource(ObjectProvenance provenance) {
        ObjectProvenance current = provenance;
        while (true) {
            ObjectProvenance inner = null;
            for (Pair<String, Provenance> pair : current) {
                if (pair.getB() instanceof ObjectProvenance object && pair.getA().contains("source")) {
                    inner = object;
                    break;
                }
            }
            if (inner == null) {
                return current;
            }
            current = inner;
        }
    }

    private static String schema(FeatureMap features, Class<?> outputClass) {
        ObjectNode schema = MlflowHttp.JSON.createObjectNode();
        ArrayNode columns = schema.putArray("mlflow_colspec");
        int written = 0;
        for (VariableInfo feature : features) {
            if (written++ == MAX_SCHEMA_COLUMNS) {
                break;
            }
            columns.addObject().put("type", "double").put("name", feature.getName()).put("required", false);
        }
        columns.addObject().put("type", "string").put("name", outputClass.getSimpleName().toLowerCase(
                java.util.Locale.ROOT)).put("required", true);
        return write(schema);
    }

    private static String write(ObjectNode node) {
        try {
            return MlflowHttp.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Location(String name, String sourceType, String source) {
    }
}
