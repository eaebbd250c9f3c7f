package org.dml4j.crossmodal;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.dml4j.model.protos.TowerProto;
import org.dml4j.model.protos.TwoTowerModelProto;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.model.Tensors;
import org.dml4j.model.protos.ChecksummedModelProto;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.NetworkSpecs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained two-tower (CLIP-style) model as a Tribuo model: {@link #embed} maps examples of either modality, each
 * with its own {@link Tower}, into one space where a matching pair is close (cosine similarity). {@link #predict}
 * labels an example by cross-modal retrieval: it embeds the example's modality (the first, {@link Modality#A}, when
 * the example has its features, else {@link Modality#B}) and lets its {@code k} nearest training rows of the
 * <em>other</em> modality vote, each label scored by its share of the votes (ties go to the nearer neighbour).
 * {@link #temperature()} is the temperature training learned.
 * <p>
 * Saved with {@link #serializeToFile} and loaded with {@code Model.deserializeFromFile}: protobuf with a version
 * number ({@link #CURRENT_VERSION}) and a SHA-256 checksum verified on load.
 */
public final class TwoTowerModel extends Model<Label> {

    private static final long serialVersionUID = 1L;

    /** The version of the serialized form this class writes and the newest it reads. */
    public static final int CURRENT_VERSION = 1;

    private static final int EMBED_BLOCK = 1024;

    private final transient Tower towerA;
    private final transient Tower towerB;
    private final int[] referenceOutputIds;
    private final double logScale;
    private final int neighbours;

    /**
     * Creates a model (the trainer does; users load one from a file).
     *
     * @param name               the model name
     * @param provenance         its provenance
     * @param featureMap         both modalities' features
     * @param outputInfo         the labels
     * @param towerA             the first modality's tower
     * @param towerB             the second modality's tower
     * @param referenceOutputIds the output id of each reference row's label (the rows of both towers' references)
     * @param logScale           the trained log-scale of the logits (temperature {@code exp(-logScale)})
     * @param neighbours         the number of neighbours that vote
     * @throws IllegalArgumentException if the towers' references differ in rows or width, or neighbours is below 1
     */
    public TwoTowerModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureMap,
                         ImmutableOutputInfo<Label> outputInfo, Tower towerA, Tower towerB, int[] referenceOutputIds,
                         double logScale, int neighbours) {
        super(name, provenance, featureMap, outputInfo, true);
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be >= 1, found " + neighbours);
        }
        if (towerA.references().rows() != referenceOutputIds.length
                || towerB.references().rows() != referenceOutputIds.length
                || towerA.references().columns() != towerB.references().columns()) {
            throw new IllegalArgumentException("the towers' references must have one row per reference label and "
                    + "the same width, found " + towerA.references().rows() + " x " + towerA.references().columns()
                    + " and " + towerB.references().rows() + " x " + towerB.references().columns() + " for "
                    + referenceOutputIds.length + " labels");
        }
        for (int id : referenceOutputIds) {
            if (outputInfo.getOutput(id) == null) {
                throw new IllegalArgumentException("reference label id " + id + " is not in the output domain");
            }
        }
        this.towerA = towerA;
        this.towerB = towerB;
        this.referenceOutputIds = referenceOutputIds.clone();
        this.logScale = logScale;
        this.neighbours = Math.min(neighbours, referenceOutputIds.length);
    }

    /**
     * @param modality a modality
     * @return its tower
     */
    public Tower tower(Modality modality) {
        return modality == Modality.A ? towerA : towerB;
    }

    /** @return the temperature training learned, {@code exp(-logScale)} */
    public double temperature() {
        return Math.exp(-logScale);
    }

    /** @return the number of neighbours that vote */
    public int neighbours() {
        return neighbours;
    }

    /** @return the width of the embeddings (both towers') */
    public int embeddingSize() {
        return towerA.references().columns();
    }

    /**
     * The embeddings of one modality of a dataset's examples.
     *
     * @param modality the modality
     * @param dataset  the examples
     * @return N × d float32, one row per example in order
     * @throws IllegalArgumentException naming an example without the modality's features or a feature beyond the
     *                                  tower's width
     */
    public INDArray embed(Modality modality, Dataset<Label> dataset) {
        List<Example<Label>> examples = new ArrayList<>();
        dataset.forEach(examples::add);
        return embed(modality, examples);
    }

    /**
     * The embeddings of one modality of examples.
     *
     * @param modality the modality
     * @param examples the examples
     * @return N × d float32, one row per example
     * @throws IllegalArgumentException naming an example without the modality's features or a feature beyond the
     *                                  tower's width
     */
    public INDArray embed(Modality modality, List<? extends Example<Label>> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples to embed");
        }
        Tower tower = tower(modality);
        INDArray rows;
        try {
            rows = tower.group().rows(examples);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modality " + modality + ": " + e.getMessage(), e);
        }
        try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
            synchronized (tower.network()) {
                return tower.network().embedInBlocks(rows, EMBED_BLOCK);
            }
        }
    }

    /** @return the modality an example queries with: A when it has A's features, else B */
    private Modality queryModality(Example<Label> example) {
        return towerA.group().presentIn(example) ? Modality.A : Modality.B;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        Modality modality = queryModality(example);
        INDArray embedding = embed(modality, List.of(example));
        int[] nearest = new ExactKnn(KnnDistance.COSINE)
                .search(embedding, tower(modality.other()).references(), neighbours, false).indices()[0];
        Map<Integer, Integer> votes = new LinkedHashMap<>();
        for (int r : nearest) {
            votes.merge(referenceOutputIds[r], 1, Integer::sum);
        }
        int most = Collections.max(votes.values());
        int best = votes.entrySet().stream().filter(e -> e.getValue() == most).findFirst().orElseThrow().getKey();
        Map<String, Label> scores = new LinkedHashMap<>();
        for (Pair<Integer, Label> p : outputIDInfo) {
            String label = p.getB().getLabel();
            scores.put(label, new Label(label, votes.getOrDefault(p.getA(), 0) / (double) nearest.length));
        }
        return new Prediction<>(scores.get(outputIDInfo.getOutput(best).getLabel()), scores,
                countFeatures(example, tower(modality).group()), example, true);
    }

    private static int countFeatures(Example<Label> example, FeatureGroup group) {
        int count = 0;
        for (var feature : example) {
            count += group.column(feature.getName()) >= 0 ? 1 : 0;
        }
        return count;
    }

    /** No per-feature importance exists for embedding networks: always empty. */
    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Collections.emptyMap();
    }

    /** No excuse is computed: always empty. */
    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected TwoTowerModel copy(String newName, ModelProvenance newProvenance) {
        return new TwoTowerModel(newName, newProvenance, featureIDMap, outputIDInfo, towerA.copy(), towerB.copy(),
                referenceOutputIds, logScale, neighbours);
    }

    @Override
    public ModelProto serialize() {
        TwoTowerModelProto.Builder b = TwoTowerModelProto.newBuilder()
                .setMetadata(createDataCarrier().serialize().toByteString())
                .setTowerA(towerProto(towerA)).setTowerB(towerProto(towerB))
                .setLogScale(logScale).setNeighbours(neighbours);
        for (int id : referenceOutputIds) {
            b.addReferenceOutputIds(id);
        }
        ByteString data = b.build().toByteString();
        ChecksummedModelProto checksummed = ChecksummedModelProto.newBuilder().setModel(data)
                .setSha256(ByteString.copyFrom(sha256(data))).build();
        return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(TwoTowerModel.class.getName())
                .setSerializedData(Any.pack(checksummed)).build();
    }

    private static TowerProto towerProto(Tower tower) {
        synchronized (tower.network()) {
            return TowerProto.newBuilder().setPrefix(tower.group().prefix()).setWidth(tower.group().width())
                    .setNetworkSpec(tower.networkSpec())
                    .addAllParameters(Tensors.toProtos(tower.network().parameters()))
                    .addAllBuffers(Tensors.toProtos(tower.network().buffers()))
                    .setReferenceEmbeddings(Tensors.toProto(tower.references())).build();
        }
    }

    private static Tower tower(TowerProto proto, Modality modality) {
        FeatureGroup group = new FeatureGroup(proto.getPrefix(), proto.getWidth());
        EmbeddingNetwork network = NetworkSpecs.parse(proto.getNetworkSpec()).build(group.width(), 0, DataType.FLOAT);
        Tensors.assignAll(network.parameters(), Tensors.fromProtos(proto.getParametersList()),
                "tower " + modality + " parameters");
        Tensors.assignAll(network.buffers(), Tensors.fromProtos(proto.getBuffersList()), "tower " + modality
                + " buffers");
        return new Tower(group, proto.getNetworkSpec(), network,
                Tensors.fromProto(proto.getReferenceEmbeddings(), "tower " + modality + " reference embeddings"));
    }

    private static byte[] sha256(ByteString data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Reads a model written by {@link #serialize()}; called by Tribuo's {@code Model.deserialize}.
     *
     * @param version   the serialized version
     * @param className the class name
     * @param message   the serialized data
     * @return the model
     * @throws InvalidProtocolBufferException if the data is not a two-tower model
     * @throws IllegalArgumentException       if the version is unknown, the checksum does not match or the data is
     *                                        inconsistent
     */
    public static TwoTowerModel deserializeFromProto(int version, String className, Any message)
            throws InvalidProtocolBufferException {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown TwoTowerModel version " + version + ", this DML4J reads "
                    + "versions 1 to " + CURRENT_VERSION + "; update DML4J to load it");
        }
        ChecksummedModelProto checksummed = message.unpack(ChecksummedModelProto.class);
        if (!MessageDigest.isEqual(sha256(checksummed.getModel()), checksummed.getSha256().toByteArray())) {
            throw new IllegalArgumentException("corrupt model data: the SHA-256 checksum does not match the "
                    + "content, so the file was damaged or altered after it was written; use an intact copy");
        }
        TwoTowerModelProto proto = TwoTowerModelProto.parseFrom(checksummed.getModel());
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(proto.getMetadata()));
        if (!(carrier.outputDomain().getDomain().iterator().next() instanceof Label)) {
            throw new IllegalArgumentException("corrupt model data: the output domain is not classification labels");
        }
        @SuppressWarnings("unchecked")
        ImmutableOutputInfo<Label> outputInfo = (ImmutableOutputInfo<Label>) carrier.outputDomain();
        int[] ids = proto.getReferenceOutputIdsList().stream().mapToInt(Integer::intValue).toArray();
        return new TwoTowerModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), outputInfo,
                tower(proto.getTowerA(), Modality.A), tower(proto.getTowerB(), Modality.B), ids,
                proto.getLogScale(), proto.getNeighbours());
    }

    @Override
    public String toString() {
        return "TwoTowerModel(name=" + name + ", towerA=" + towerA.networkSpec() + " on " + towerA.group().prefix()
                + "0.." + (towerA.group().width() - 1) + ", towerB=" + towerB.networkSpec() + " on "
                + towerB.group().prefix() + "0.." + (towerB.group().width() - 1) + ", references="
                + referenceOutputIds.length + ", neighbours=" + neighbours + ", temperature=" + temperature() + ")";
    }
}
