package org.dml4j.mlflow;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.dml4j.index.IndexFile;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Tribuo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files and {@code MLmodel} content of an MLflow model directory for any Tribuo {@link Model}:
 * <ul>
 *     <li>{@value #TRIBUO_FILE}, the Tribuo protobuf, under the {@code dml4j} flavor (loaded in Java with
 *     {@code Model.deserializeFromFile});</li>
 *     <li>when the model is {@link ONNXExportable}: {@value #ONNX_FILE} under the {@code onnx} flavor and the
 *     {@code python_function} flavor that loads it through {@code mlflow.onnx} (so {@code mlflow.pyfunc.load_model},
 *     {@code mlflow models predict} and {@code mlflow models serve} work), a {@code signature} read from the ONNX
 *     graph's inputs and outputs (tensor specs, {@code -1} for the batch), and {@value #REQUIREMENTS};</li>
 *     <li>optionally, for an {@link EmbeddingModel}, its nearest-neighbour index file ({@code dml4j index build},
 *     {@code train --index-out}) as {@value #INDEX_FILE}, named by the {@code dml4j} flavor's
 *     {@value #INDEX_KEY} beside the model's {@value #DIGEST_KEY}; {@link EmbeddingModelDirectory} loads both back,
 *     the index only for the model it was built from.</li>
 * </ul>
 * An ONNX export that fails leaves the Tribuo flavor alone and says why in {@link #onnxProblem()}. The content lacks
 * what the server decides ({@code model_id}, {@code run_id}, {@code artifact_path}): the uploader adds them.
 */
public final class ModelDirectory {

    /** The Tribuo protobuf's file name. */
    public static final String TRIBUO_FILE = "model.tribuo";
    /** The ONNX graph's file name. */
    public static final String ONNX_FILE = "model.onnx";
    /** The nearest-neighbour index's file name. */
    public static final String INDEX_FILE = "model.index";
    /** The {@code dml4j} flavor's key naming the index file. */
    public static final String INDEX_KEY = "index_file";
    /** The {@code dml4j} flavor's key holding an indexed model's digest (hex SHA-256), the one its index records. */
    public static final String DIGEST_KEY = "model_digest";
    /** The pip requirements of the {@code python_function} flavor. */
    public static final String REQUIREMENTS = "requirements.txt";
    /**
     * The {@value #REQUIREMENTS} of an ONNX model: the MLflow 3 releases the plugin supports, and the onnx and
     * onnxruntime releases its tests load the model with (the pins of {@code scripts/requirements-mlflow.txt}), so
     * {@code mlflow models serve} with a virtualenv or conda environment rebuilds a tested environment.
     */
    static final String ONNX_REQUIREMENTS = "mlflow>=3.1,<4\nonnx==1.23.2\nonnxruntime==1.32.0\nnumpy\n";

    private final Map<String, Path> files;
    private final Map<String, Object> content;
    private final String onnxProblem;

    private ModelDirectory(Map<String, Path> files, Map<String, Object> content, String onnxProblem) {
        this.files = Collections.unmodifiableMap(files);
        this.content = Collections.unmodifiableMap(content);
        this.onnxProblem = onnxProblem;
    }

    /**
     * Writes the files of a model's directory into {@code directory}.
     *
     * @param model       the model
     * @param directory   an existing folder for the files
     * @param createdUtc  {@code utc_time_created}, e.g. {@code 2025-01-31 12:00:00.000000}
     * @return the directory's files and content
     * @throws IOException when a file cannot be written or the model cannot be serialized
     */
    public static ModelDirectory write(Model<?> model, Path directory, String createdUtc) throws IOException {
        return write(model, directory, createdUtc, null);
    }

    /**
     * Writes the files of a model's directory into {@code directory}, with the model's nearest-neighbour index.
     *
     * @param model       the model
     * @param directory   an existing folder for the files
     * @param createdUtc  {@code utc_time_created}, e.g. {@code 2025-01-31 12:00:00.000000}
     * @param indexFile   an index file written for this model ({@code EmbeddingModel.saveIndex}), or null for none
     * @return the directory's files and content
     * @throws IOException              when a file cannot be read or written or the model cannot be serialized
     * @throws IllegalArgumentException when the index is not an index file, or was built for another model or the
     *                                  model is not an {@link EmbeddingModel}
     */
    public static ModelDirectory write(Model<?> model, Path directory, String createdUtc, Path indexFile)
            throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Object> flavors = new LinkedHashMap<>();
        Path tribuo = directory.resolve(TRIBUO_FILE);
        model.serializeToFile(tribuo);
        files.put(TRIBUO_FILE, tribuo);
        Map<String, Object> dml4j = new LinkedHashMap<>();
        dml4j.put("model_file", TRIBUO_FILE);
        dml4j.put("format", "tribuo-protobuf");
        dml4j.put("loader", "org.tribuo.Model.deserializeFromFile");
        dml4j.put("model_class", model.getClass().getName());
        dml4j.put("tribuo_version", Tribuo.VERSION);
        if (indexFile != null) {
            files.put(INDEX_FILE, copyIndex(model, indexFile, directory, dml4j));
        }
        flavors.put(MlModelFile.FLAVOR, dml4j);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("flavors", flavors);
        String problem = null;
        if (model instanceof ONNXExportable exportable) {
            try {
                OnnxMl.ModelProto onnx = exportable.exportONNXModel(model.getClass().getPackageName(), 1);
                Map<String, Object> signature = signature(onnx.getGraph());
                Path onnxFile = Files.write(directory.resolve(ONNX_FILE), onnx.toByteArray());
                Path requirements = Files.writeString(directory.resolve(REQUIREMENTS), ONNX_REQUIREMENTS,
                        StandardCharsets.UTF_8);
                files.put(ONNX_FILE, onnxFile);
                files.put(REQUIREMENTS, requirements);
                flavors.put("onnx", ordered("data", ONNX_FILE, "providers", List.of("CPUExecutionProvider"),
                        "onnx_opset", String.valueOf(onnx.getOpsetImport(0).getVersion())));
                flavors.put("python_function", ordered("data", ONNX_FILE, "loader_module", "mlflow.onnx"));
                content.put("signature", signature);
            } catch (RuntimeException e) {
                problem = model.getClass().getSimpleName() + " '" + model.getName() + "' could not be exported to"
                        + " ONNX (" + e.getMessage() + "), so it is logged with the dml4j flavor only";
            }
        }
        content.put("model_size_bytes", String.valueOf(size(files)));
        content.put("utc_time_created", createdUtc);
        return new ModelDirectory(files, content, problem);
    }

    /** Copies an index built for the model into the directory and names it and the model's digest in the flavor. */
    private static Path copyIndex(Model<?> model, Path indexFile, Path directory, Map<String, Object> dml4j)
            throws IOException {
        dml4j.put(INDEX_KEY, INDEX_FILE);
        dml4j.put(DIGEST_KEY, HexFormat.of().formatHex(checkIndex(model, indexFile)));
        return Files.copy(indexFile, directory.resolve(INDEX_FILE));
    }

    /**
     * Checks that an index file was built for a model, from the file's header.
     *
     * @param model     the model
     * @param indexFile the index file
     * @return the model's digest
     * @throws IllegalArgumentException when the file cannot be read, is not an index or was built for another
     *                                  model, or the model is not an {@link EmbeddingModel}
     */
    public static byte[] checkIndex(Model<?> model, Path indexFile) {
        if (!(model instanceof EmbeddingModel embedding)) {
            throw new IllegalArgumentException("Only an EmbeddingModel is logged with a nearest-neighbour index; "
                    + "this model is a " + model.getClass().getSimpleName());
        }
        byte[] owner;
        try {
            owner = IndexFile.ownerDigest(indexFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the index file " + indexFile + " (" + e + "); give an "
                    + "index written by dml4j index build or EmbeddingModel.saveIndex", e);
        }
        byte[] digest = embedding.digest();
        if (!MessageDigest.isEqual(owner, digest)) {
            throw new IllegalArgumentException("The index file " + indexFile + " was built for another model than '"
                    + model.getName() + "'; log the index built from this model (EmbeddingModel.saveIndex)");
        }
        return digest;
    }

    /** MLflow's tensor signature of an ONNX graph: one tensor spec per input and output. */
    private static Map<String, Object> signature(OnnxMl.GraphProto graph) {
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("inputs", tensorSpecs(graph.getInputList()));
        signature.put("outputs", tensorSpecs(graph.getOutputList()));
        return signature;
    }

    private static String tensorSpecs(List<OnnxMl.ValueInfoProto> values) {
        List<Map<String, Object>> specs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto value : values) {
            OnnxMl.TypeProto.Tensor tensor = value.getType().getTensorType();
            List<Long> shape = new ArrayList<>();
            tensor.getShape().getDimList().forEach(d -> shape.add(d.hasDimValue() ? d.getDimValue() : -1L));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", value.getName());
            spec.put("type", "tensor");
            spec.put("tensor-spec", ordered("dtype", numpyType(tensor.getElemType(), value.getName()),
                    "shape", shape));
            specs.add(spec);
        }
        try {
            return MlflowHttp.JSON.writeValueAsString(specs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the signature JSON: " + e.getMessage(), e);
        }
    }

    /** A map of key-value pairs in the given order (the MLmodel file keeps it). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String numpyType(int onnxType, String name) {
        OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.forNumber(onnxType);
        if (type == OnnxMl.TensorProto.DataType.FLOAT) {
            return "float32";
        } else if (type == OnnxMl.TensorProto.DataType.DOUBLE) {
            return "float64";
        } else if (type == OnnxMl.TensorProto.DataType.INT64) {
            return "int64";
        }
        throw new IllegalArgumentException("the ONNX value '" + name + "' has element type " + type
                + ", which the signature does not map");
    }

    private static long size(Map<String, Path> files) throws IOException {
        long bytes = 0;
        for (Path file : files.values()) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    /** @return the files by their path inside the model directory ({@code MLmodel} excluded) */
    public Map<String, Path> files() {
        return files;
    }

    /** @return the {@code MLmodel} fields known before upload ({@code flavors}, {@code signature}, ...) */
    public Map<String, Object> content() {
        return content;
    }

    /** @return whether the directory has the {@code onnx} and {@code python_function} flavors */
    public boolean hasOnnx() {
        return files.containsKey(ONNX_FILE);
    }

    /** @return why an {@link ONNXExportable} model has no ONNX flavor, or null */
    public String onnxProblem() {
        return onnxProblem;
    }
}
