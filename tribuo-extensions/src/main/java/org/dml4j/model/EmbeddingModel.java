package org.dml4j.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.IndexFile;
import org.dml4j.index.IndexSpec;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.KnnResult;
import org.dml4j.index.NearestNeighbourIndex;
import org.dml4j.model.protos.ChecksummedModelProto;
import org.dml4j.model.protos.EmbeddingModelProto;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.onnx.NetworkGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained embedding network as a Tribuo model: {@link #embed} maps examples to embeddings where distance means
 * similarity, and {@link #predict} labels an example by the vote of its {@code k} nearest references (the training
 * set or the class centroids), each label scored by its share of the votes. {@link #getExcuse} lists the nearest
 * references. Ranking uses the model's {@link #distance()}, which the trainer sets to the one matching its loss's
 * distance (or a configured one) and records in the provenance.
 * <p>
 * References are searched exactly unless an index is in use: {@link #buildIndex} builds one over the reference
 * set (an approximate {@link org.dml4j.index.HnswIndex} for large sets), {@link #saveIndex} writes it with the
 * model's {@link #digest()}, and {@link #useIndex(Path)} reads it back only for the model it was built from.
 * The index is not part of the model file.
 * <p>
 * Saved with {@link #serializeToFile} and loaded with {@code Model.deserializeFromFile}: protobuf with a version
 * number ({@link #CURRENT_VERSION}; version 2 adds a SHA-256 checksum verified on load, version 1 files still load).
 * Java serialization (which Tribuo pipelines and distributed engines use to ship models) goes through a
 * serialization proxy holding those protobuf bytes, so a copy is rebuilt by the same checked reader.
 * <p>
 * {@link #exportONNXModel} writes the network as an ONNX graph ({@link NetworkGraph}) from the Tribuo feature vector
 * ({@value #ONNX_INPUT}, {@code [batch, features]} float32, features in id order) to the embedding
 * ({@value #ONNX_OUTPUT}, {@code [batch, d]}), with Tribuo's metadata (the provenance under
 * {@link ONNXExportable#PROVENANCE_METADATA_FIELD}); the nearest-neighbour vote stays in Java.
 */
public final class EmbeddingModel extends Model<Label> implements ONNXExportable {

    private static final long serialVersionUID = 1L;

    /** The version of the serialized form this class writes and the newest it reads. */
    public static final int CURRENT_VERSION = 2;

    /** The first version whose data carries a checksum. */
    private static final int CHECKSUMMED_VERSION = 2;

    /** The name of the exported ONNX graph's input: the dense feature vectors. */
    public static final String ONNX_INPUT = "input";

    /** The name of the exported ONNX graph's output: the embeddings. */
    public static final String ONNX_OUTPUT = "embedding";

    private static final int EMBED_BLOCK = 1024;

    private final transient EmbeddingNetwork network;
    private final String networkSpec;
    private final transient ReferenceSet references;
    private final int neighbours;
    private final KnnDistance distance;
    private transient volatile NearestNeighbourIndex index;
    private transient volatile byte[] digest;

    /**
     * Creates a model (the trainer does; users load one from a file).
     *
     * @param name         the model name
     * @param provenance   its provenance
     * @param featureMap   the features, in the network's input order
     * @param outputInfo   the labels
     * @param network      the trained network
     * @param networkSpec  the network's architecture in command-line form (rebuilds it when loading)
     * @param references   the reference set predictions search
     * @param neighbours   the number of neighbours that vote
     * @param distance     the ranking distance
     */
    public EmbeddingModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureMap,
                          ImmutableOutputInfo<Label> outputInfo, EmbeddingNetwork network, String networkSpec,
                          ReferenceSet references, int neighbours, KnnDistance distance) {
        super(name, provenance, featureMap, outputInfo, true);
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1, found " + neighbours);
        }
        this.network = network;
        this.networkSpec = networkSpec;
        this.references = references;
        this.neighbours = Math.min(neighbours, references.size());
        this.distance = distance;
    }

    /** @return the network (live; do not train it further) */
    public EmbeddingNetwork network() {
        return network;
    }

    /** @return the reference set */
    public ReferenceSet references() {
        return references;
    }

    /** @return the distance predictions and excuses rank references by */
    public KnnDistance distance() {
        return distance;
    }

    /** @return the number of neighbours that vote */
    public int neighbours() {
        return neighbours;
    }

    /** @return the width of the embeddings */
    public int embeddingSize() {
        return references.embeddings().columns();
    }

    /**
     * The embedding of one example.
     *
     * @param example the example
     * @return its embedding
     */
    public float[] embed(Example<Label> example) {
        return embed(List.of(example)).getRow(0).toFloatVector();
    }

    /**
     * The embeddings of a dataset, one row per example in order, computed in blocks.
     *
     * @param dataset the examples
     * @return N × d float32
     */
    public INDArray embed(Dataset<Label> dataset) {
        List<Example<Label>> examples = new ArrayList<>();
        dataset.forEach(examples::add);
        return embed(examples);
    }

    /**
     * The embeddings of examples, one row each, computed in blocks.
     *
     * @param examples the examples
     * @return N × d float32
     */
    public INDArray embed(List<? extends Example<Label>> examples) {
        return embedRows(examples).embeddings;
    }

    private record Embedded(INDArray embeddings, int[] knownFeatures) {
    }

    private Embedded embedRows(List<? extends Example<Label>> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to embed");
        }
        INDArray out = Nd4j.create(DataType.FLOAT, examples.size(), embeddingSize());
        int[] known = new int[examples.size()];
        // A forward pass alternates BLAS products and element-wise ops: one OpenMP thread keeps the two thread
        // pools from competing for the cores (see NativeOpThreads), as in training.
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            for (int start = 0; start < examples.size(); start += EMBED_BLOCK) {
                int end = Math.min(examples.size(), start + EMBED_BLOCK);
                FeatureMatrix block = FeatureMatrix.of(examples.subList(start, end), featureIDMap);
                synchronized (network) {
                    out.get(NDArrayIndex.interval(start, end),
                            NDArrayIndex.all()).assign(network.embed(block.rows()));
                }
                System.arraycopy(block.knownFeatures(), 0, known, start, end - start);
            }
        }
        return new Embedded(out, known);
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        return innerPredict(List.of(example)).get(0);
    }

    @Override
    protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
        List<Example<Label>> list = new ArrayList<>();
        examples.forEach(list::add);
        Embedded embedded = embedRows(list);
        KnnResult knn = nearest(embedded.embeddings());
        List<Prediction<Label>> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(vote(knn.indices()[i], embedded.knownFeatures()[i], list.get(i)));
        }
        return out;
    }

    /** The {@link #neighbours} nearest references of each embedding, from the index in use or exactly. */
    private KnnResult nearest(INDArray embeddings) {
        NearestNeighbourIndex used = index;
        return used != null ? used.search(embeddings, neighbours)
                : new ExactKnn(distance).search(embeddings, references.embeddings(), neighbours, false);
    }

    /**
     * Builds an index over the reference set with this model's distance and uses it for predictions and excuses
     * from now on.
     *
     * @param spec the kind of index and its parameters
     * @return the index (in use)
     */
    public NearestNeighbourIndex buildIndex(IndexSpec spec) {
        NearestNeighbourIndex built = spec.create(distance, embeddingSize());
        built.add(references.embeddings());
        index = built;
        return built;
    }

    /**
     * Reads an index written by {@link #saveIndex} for this model and uses it from now on.
     *
     * @param file the index file
     * @return the index (in use)
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the file is damaged, is not an index, or was built for another model
     */
    public NearestNeighbourIndex useIndex(Path file) throws IOException {
        NearestNeighbourIndex read = IndexFile.read(file, digest());
        if (read.size() != references.size() || read.dimension() != embeddingSize() || read.distance() != distance) {
            throw new IllegalArgumentException("the index " + file + " (" + read.size() + " rows of width "
                    + read.dimension() + ", " + read.distance() + ") does not match this model's reference set ("
                    + references.size() + " rows of width " + embeddingSize() + ", " + distance + "); rebuild it");
        }
        index = read;
        return read;
    }

    /**
     * Writes the index in use, tied to this model's {@link #digest()}.
     *
     * @param file the file to write
     * @throws IOException           if it cannot be written
     * @throws IllegalStateException if no index is in use
     */
    public void saveIndex(Path file) throws IOException {
        NearestNeighbourIndex used = index;
        if (used == null) {
            throw new IllegalStateException("no index is in use; build one with buildIndex first");
        }
        IndexFile.write(file, used, digest());
    }

    /** @return the index predictions search, if one is in use (else they search the references exactly) */
    public Optional<NearestNeighbourIndex> index() {
        return Optional.ofNullable(index);
    }

    /** Goes back to exact search of the references. */
    public void stopUsingIndex() {
        index = null;
    }

    /**
     * A SHA-256 digest of what the model computes with: network architecture, parameters and buffers, reference
     * set, neighbours and distance (not its name or provenance). An index file records it, so that it is only
     * used with the model it was built from.
     *
     * @return the digest (a copy)
     */
    public byte[] digest() {
        byte[] known = digest;
        if (known == null) {
            known = sha256(contentProto().build().toByteString());
            digest = known;
        }
        return known.clone();
    }

    /** Each label's share of the neighbours' votes; ties go to the label of the nearer neighbour. */
    private Prediction<Label> vote(int[] nearest, int knownFeatures, Example<Label> example) {
        Map<Integer, Integer> votes = new LinkedHashMap<>();
        for (int r : nearest) {
            votes.merge(references.outputIds()[r], 1, Integer::sum);
        }
        int best = votes.keySet().iterator().next();
        for (Map.Entry<Integer, Integer> e : votes.entrySet()) {
            if (e.getValue() > votes.get(best)) {
                best = e.getKey();
            }
        }
        Map<String, Label> scores = new LinkedHashMap<>();
        for (Pair<Integer, Label> p : outputIDInfo) {
            double share = votes.getOrDefault(p.getA(), 0) / (double) nearest.length;
            scores.put(p.getB().getLabel(), new Label(p.getB().getLabel(), share));
        }
        String bestName = outputIDInfo.getOutput(best).getLabel();
        return new Prediction<>(scores.get(bestName), scores, knownFeatures, example, true);
    }

    /** No per-feature importance exists for an embedding network: always empty. */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Collections.emptyMap();
    }

    /**
     * The nearest references and their distances: under the key {@code "nearest-references"}, pairs of
     * {@code "row=R label=L"} (the training row, or {@code centroid} for class centroids) and the distance.
     */
    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        Embedded embedded = embedRows(List.of(example));
        KnnResult knn = nearest(embedded.embeddings());
        List<Pair<String, Double>> nearest = new ArrayList<>();
        for (int j = 0; j < neighbours; j++) {
            int r = knn.indices()[0][j];
            String row = references.rows()[r] < 0 ? "centroid" : "row=" + references.rows()[r];
            nearest.add(new Pair<>(row + " label=" + outputIDInfo.getOutput(references.outputIds()[r]).getLabel(),
                    knn.distances()[0][j]));
        }
        Prediction<Label> prediction = vote(knn.indices()[0], embedded.knownFeatures()[0], example);
        return Optional.of(new Excuse<>(example, prediction, Map.of("nearest-references", nearest)));
    }

    @Override
    protected EmbeddingModel copy(String newName, ModelProvenance newProvenance) {
        return new EmbeddingModel(newName, newProvenance, featureIDMap, outputIDInfo, network.copy(), networkSpec,
                new ReferenceSet(references.embeddings().dup(), references.outputIds().clone(),
                        references.rows().clone(), references.kind()), neighbours, distance);
    }

    @Override
    public ModelProto serialize() {
        ModelDataCarrier<Label> carrier = createDataCarrier();
        ByteString data = contentProto().setMetadata(carrier.serialize().toByteString()).build().toByteString();
        ChecksummedModelProto checksummed = ChecksummedModelProto.newBuilder().setModel(data)
                .setSha256(ByteString.copyFrom(sha256(data))).build();
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(EmbeddingModel.class.getName())
                .setSerializedData(Any.pack(checksummed)).build();
    }

    /** The model's data without the metadata (name, provenance, feature and label domains). */
    /** What the network's spec kind stores to rebuild it (an imported ONNX graph's structure), or empty bytes. */
    private ByteString networkStructure() {
        byte[] stored = NetworkSpecs.stored(networkSpec, network);
        return stored == null ? ByteString.EMPTY : ByteString.copyFrom(stored);
    }

    private EmbeddingModelProto.Builder contentProto() {
        EmbeddingModelProto.Builder b = EmbeddingModelProto.newBuilder()
                .setNetworkSpec(networkSpec)
                .addAllParameters(Tensors.toProtos(network.parameters()))
                .addAllBuffers(Tensors.toProtos(network.buffers()))
                .setNetworkStructure(networkStructure())
                .setReferenceEmbeddings(Tensors.toProto(references.embeddings()))
                .setReferenceKind(references.kind().name())
                .setNeighbours(neighbours)
                .setDistance(distance.name());
        for (int id : references.outputIds()) {
            b.addReferenceOutputIds(id);
        }
        for (int row : references.rows()) {
            b.addReferenceRows(row);
        }
        return b;
    }

    private static byte[] sha256(ByteString data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The model data of a version 2 message, after checking its checksum. */
    private static EmbeddingModelProto verified(Any message) throws InvalidProtocolBufferException {
        ChecksummedModelProto checksummed = message.unpack(ChecksummedModelProto.class);
        if (!MessageDigest.isEqual(sha256(checksummed.getModel()), checksummed.getSha256().toByteArray())) {
            throw new IllegalArgumentException("corrupt model data: the SHA-256 checksum does not match the "
                    + "content, so the file was damaged or altered after it was written; use an intact copy");
        }
        return EmbeddingModelProto.parseFrom(checksummed.getModel());
    }

    /**
     * Reads a model written by {@link #serialize()}; called by Tribuo's {@code Model.deserialize}.
     *
     * @param version   the serialized version
     * @param className the class name
     * @param message   the serialized data
     * @return the model
     * @throws InvalidProtocolBufferException if the data is not an {@code EmbeddingModelProto}
     * @throws IllegalArgumentException       if the version is unknown or the data is inconsistent
     */
    public static EmbeddingModel deserializeFromProto(int version, String className, Any message)
            throws InvalidProtocolBufferException {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown EmbeddingModel version " + version
                    + ", this DML4J reads versions 1 to " + CURRENT_VERSION + "; update DML4J to load it");
        }
        EmbeddingModelProto proto = version >= CHECKSUMMED_VERSION ? verified(message)
                : message.unpack(EmbeddingModelProto.class);
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(proto.getMetadata()));
        if (!(carrier.outputDomain().getDomain().iterator().next() instanceof Label)) {
            throw new IllegalArgumentException("corrupt model data: the output domain is not classification labels");
        }
        @SuppressWarnings("unchecked")
        ImmutableOutputInfo<Label> outputInfo = (ImmutableOutputInfo<Label>) carrier.outputDomain();
        byte[] structure = proto.getNetworkStructure().isEmpty() ? null : proto.getNetworkStructure().toByteArray();
        EmbeddingNetwork network = NetworkSpecs.parse(proto.getNetworkSpec(), structure)
                .build(carrier.featureDomain().size(), 0, DataType.FLOAT);
        Tensors.assignAll(network.parameters(), Tensors.fromProtos(proto.getParametersList()), "parameters");
        Tensors.assignAll(network.buffers(), Tensors.fromProtos(proto.getBuffersList()), "buffers");
        int[] outputIds = proto.getReferenceOutputIdsList().stream().mapToInt(Integer::intValue).toArray();
        for (int id : outputIds) {
            if (outputInfo.getOutput(id) == null) {
                throw new IllegalArgumentException("corrupt model data: reference label id " + id + " is unknown");
            }
        }
        ReferenceSet references = new ReferenceSet(
                Tensors.fromProto(proto.getReferenceEmbeddings(), "reference embeddings"), outputIds,
                proto.getReferenceRowsList().stream().mapToInt(Integer::intValue).toArray(),
                ReferenceSet.Kind.valueOf(proto.getReferenceKind()));
        return new EmbeddingModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), outputInfo, network,
                proto.getNetworkSpec(), references, proto.getNeighbours(), KnnDistance.valueOf(proto.getDistance()));
    }

    /**
     * Java serialization writes a {@link SerializedForm} holding the protobuf bytes instead of this object.
     *
     * @return the serialization proxy
     */
    private Object writeReplace() {
        return new SerializedForm(serialize().toByteArray());
    }

    /**
     * An {@code EmbeddingModel} is only ever read through its {@link SerializedForm}.
     *
     * @param in the stream
     * @throws InvalidObjectException always
     */
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("an EmbeddingModel is read only through its serialization proxy");
    }

    /** The Java-serialized form of a model: its protobuf bytes, read back with {@link #deserializeFromProto}. */
    private static final class SerializedForm implements Serializable {

        private static final long serialVersionUID = 1L;

        private final byte[] proto;

        private SerializedForm(byte[] proto) {
            this.proto = proto;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                ModelProto model = ModelProto.parseFrom(proto);
                if (!EmbeddingModel.class.getName().equals(model.getClassName())) {
                    throw new InvalidObjectException("the serialized model is a " + model.getClassName()
                            + ", not an EmbeddingModel");
                }
                return deserializeFromProto(model.getVersion(), model.getClassName(), model.getSerializedData());
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                InvalidObjectException error = new InvalidObjectException("cannot read the serialized "
                        + "EmbeddingModel: " + e.getMessage());
                error.initCause(e);
                throw error;
            }
        }
    }

    /**
     * Exports the embedding network as an ONNX model (opset 13): input {@value #ONNX_INPUT}, output
     * {@value #ONNX_OUTPUT}, Tribuo's producer name, version and provenance metadata.
     *
     * @param domain       a reverse-DNS name for the model, e.g. {@code org.dml4j.embedding}
     * @param modelVersion the model's version number
     * @return the ONNX model
     * @throws IllegalArgumentException naming a layer that cannot be exported
     */
    @Override
    public OnnxMl.ModelProto exportONNXModel(String domain, long modelVersion) {
        ONNXContext onnx = new ONNXContext();
        onnx.setName("dml4j-embedding-network");
        ONNXPlaceholder input = onnx.floatInput(ONNX_INPUT, featureIDMap.size());
        ONNXPlaceholder output = onnx.floatOutput(ONNX_OUTPUT, embeddingSize());
        writeONNXGraph(input).assignTo(output);
        return ONNXExportable.buildModel(onnx, domain, modelVersion, this);
    }

    /**
     * The exported graph's input for examples: their dense float32 feature vectors in the model's feature id order
     * (unknown features ignored, missing ones 0), as {@link #embed} sees them.
     *
     * @param examples the examples
     * @return one row of {@code features} values per example
     * @throws IllegalArgumentException when an example has none of the model's features
     */
    public float[][] onnxInput(List<? extends Example<Label>> examples) {
        // the fresh row-major buffer split into rows (INDArray.toFloatMatrix copies value by value, 10x slower)
        float[] values = FeatureMatrix.of(examples, featureIDMap).rows().data().asFloat();
        int width = featureIDMap.size();
        float[][] rows = new float[examples.size()][width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, i * width, rows[i], 0, width);
        }
        return rows;
    }

    /**
     * Writes the embedding network after {@code input} (a {@code [batch, features]} float32 value).
     *
     * @param input the feature vectors in the graph
     * @return the embeddings' node
     * @throws IllegalArgumentException naming a layer that cannot be exported
     */
    @Override
    public ONNXNode writeONNXGraph(ONNXRef<?> input) {
        synchronized (network) {
            return NetworkGraph.write(network, input);
        }
    }

    @Override
    public String toString() {
        return "EmbeddingModel(name=" + name + ", network=" + networkSpec + ", references=" + references.size() + " "
                + references.kind() + ", neighbours=" + neighbours + ", distance=" + distance + ")";
    }
}
