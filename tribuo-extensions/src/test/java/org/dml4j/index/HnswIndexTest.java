package org.dml4j.index;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HnswIndexTest {
    private static final int DIM = 12;
    /** A beam as large as the data: the graph search visits every reachable node. */
    private static final HnswIndexSpec EXHAUSTIVE = new HnswIndexSpec(8, 100, 1200, 1);

    private static INDArray gaussian(int rows, long seed) {
        Random rng = new Random(seed);
        float[] values = new float[rows * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return Nd4j.create(values, new long[]{rows, DIM}, 'c');
    }

    private static void assertSameNeighbours(KnnResult expected, KnnResult actual) {
        assertEquals(expected.numQueries(), actual.numQueries());
        for (int q = 0; q < expected.numQueries(); q++) {
            assertArrayEquals(expected.indices()[q], actual.indices()[q], "query " + q);
            for (int j = 0; j < expected.distances()[q].length; j++) {
                assertEquals(expected.distances()[q][j], actual.distances()[q][j],
                        1e-4 * Math.max(1, Math.abs(expected.distances()[q][j])), "query " + q + " rank " + j);
            }
        }
    }

    private static ExactIndex exact(KnnDistance distance, INDArray references) {
        ExactIndex index = new ExactIndexSpec().create(distance, DIM);
        index.add(references);
        return index;
    }

    @ParameterizedTest
    @EnumSource(KnnDistance.class)
    void exhaustiveBeamEqualsExactSearch(KnnDistance distance) {
        INDArray references = gaussian(1200, 1);
        INDArray queries = gaussian(40, 2);
        HnswIndex hnsw = EXHAUSTIVE.create(distance, DIM);
        hnsw.add(references);
        assertEquals(1200, hnsw.size());
        assertSameNeighbours(exact(distance, references).search(queries, 10), hnsw.search(queries, 10));
    }

    @Test
    void smallBeamIsApproximateButLargeBeamRecallsMore() {
        INDArray references = gaussian(3000, 3);
        INDArray queries = gaussian(200, 4);
        KnnResult truth = exact(KnnDistance.SQUARED_EUCLIDEAN, references).search(queries, 10);
        HnswIndex hnsw = new HnswIndexSpec(4, 8, 1, 1).create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(references);
        double narrow = KnnResult.recall(truth, hnsw.search(queries, 10));
        hnsw.setSearchBeam(400);
        assertEquals(400, hnsw.spec().searchBeam());
        double wide = KnnResult.recall(truth, hnsw.search(queries, 10));
        assertTrue(narrow < 0.99, "a beam of 1 on a degree-4 graph is not exact: " + narrow);
        assertTrue(wide > narrow && wide >= 0.95, "narrow " + narrow + ", wide " + wide);
    }

    @Test
    void incrementalAddsNumberRowsOnAndMatchExactSearch() {
        INDArray references = gaussian(1600, 5);
        INDArray queries = gaussian(30, 6);
        HnswIndex hnsw = new HnswIndexSpec(8, 100, 1600, 2).create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(references.get(NDArrayIndex.interval(0, 300), NDArrayIndex.all()));
        hnsw.add(references.get(NDArrayIndex.interval(300, 1500), NDArrayIndex.all())); // parallel insertion
        hnsw.add(references.get(NDArrayIndex.interval(1500, 1600), NDArrayIndex.all())); // one thread again
        assertEquals(1600, hnsw.size());
        assertSameNeighbours(exact(KnnDistance.SQUARED_EUCLIDEAN, references).search(queries, 5),
                hnsw.search(queries, 5));
        // a query equal to an added row finds that row first, at distance 0
        KnnResult self = hnsw.search(references.get(NDArrayIndex.interval(1590, 1591), NDArrayIndex.all()), 1);
        assertEquals(1590, self.indices()[0][0]);
        assertEquals(0.0, self.distances()[0][0], 1e-6);
    }

    @Test
    void aParallelFirstAddBuildsTheSameNeighboursAsExactSearch() {
        INDArray references = gaussian(1100, 14);
        INDArray queries = gaussian(20, 15);
        HnswIndex hnsw = new HnswIndexSpec(8, 100, 1100, 2).create(KnnDistance.COSINE, DIM);
        hnsw.add(references);
        assertSameNeighbours(exact(KnnDistance.COSINE, references).search(queries, 5), hnsw.search(queries, 5));
    }

    @Test
    void searchesBeforeAndAfterAnAddMatchExactSearch() {
        INDArray references = gaussian(900, 16);
        INDArray queries = gaussian(25, 17);
        HnswIndex hnsw = new HnswIndexSpec(8, 100, 900, 1).create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        INDArray first = references.get(NDArrayIndex.interval(0, 200), NDArrayIndex.all());
        hnsw.add(first);
        // the same searcher, with its visited marks from the 200-row graph, then searches the grown graph
        assertSameNeighbours(exact(KnnDistance.SQUARED_EUCLIDEAN, first).search(queries, 5), hnsw.search(queries, 5));
        hnsw.add(references.get(NDArrayIndex.interval(200, 900), NDArrayIndex.all()));
        assertSameNeighbours(exact(KnnDistance.SQUARED_EUCLIDEAN, references).search(queries, 5),
                hnsw.search(queries, 5));
        assertSameNeighbours(exact(KnnDistance.SQUARED_EUCLIDEAN, references).search(queries, 5),
                hnsw.search(queries, 5));
    }

    @Test
    void concurrentSearchesGiveTheResultsOfOneThread() throws Exception {
        INDArray references = gaussian(2000, 18);
        INDArray queries = gaussian(64, 19);
        HnswIndex hnsw = new HnswIndexSpec(8, 60, 24, 1).create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(references);
        KnnResult alone = hnsw.search(queries, 10);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<KnnResult>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                runs.add(pool.submit(() -> hnsw.search(queries, 10)));
            }
            for (Future<KnnResult> run : runs) {
                assertSameNeighbours(alone, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void equalDistancesComeInRowOrder() {
        INDArray row = gaussian(1, 20);
        INDArray references = Nd4j.vstack(gaussian(50, 21), row, row, gaussian(50, 22), row);
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(references);
        KnnResult found = hnsw.search(row, 3);
        assertArrayEquals(new int[]{50, 51, 102}, found.indices()[0]);
        assertArrayEquals(new double[]{0, 0, 0}, found.distances()[0]);
    }

    @Test
    void exactIndexAddsIncrementally() {
        INDArray references = gaussian(500, 7);
        ExactIndex index = new ExactIndexSpec(64, 128).create(KnnDistance.COSINE, DIM);
        index.add(references.get(NDArrayIndex.interval(0, 200), NDArrayIndex.all()));
        index.add(references.get(NDArrayIndex.interval(200, 500), NDArrayIndex.all()).castTo(DataType.DOUBLE));
        INDArray queries = gaussian(30, 8);
        assertSameNeighbours(new ExactKnn(KnnDistance.COSINE).search(queries, references, 7, false),
                index.search(queries, 7));
    }

    @Test
    void fewerReferencesThanKGivesAllOfThem() {
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(gaussian(3, 9));
        assertEquals(3, hnsw.search(gaussian(2, 10), 10).indices()[1].length);
    }

    @Test
    void saveAndLoadGiveTheSameIndex(@TempDir Path dir) throws IOException {
        byte[] owner = {1, 2, 3, 4};
        INDArray references = gaussian(1500, 11);
        INDArray queries = gaussian(50, 12);
        HnswIndex hnsw = new HnswIndexSpec(6, 40, 30, 1).create(KnnDistance.DOT, DIM);
        hnsw.add(references);
        Path file = dir.resolve("hnsw.idx");
        IndexFile.write(file, hnsw, owner);
        NearestNeighbourIndex loaded = IndexFile.read(file, owner);
        assertTrue(loaded instanceof HnswIndex);
        assertEquals(hnsw.toString(), loaded.toString());
        assertSameNeighbours(hnsw.search(queries, 8), loaded.search(queries, 8));
        // the loaded graph still grows, as the saved one does
        loaded.add(gaussian(10, 13));
        hnsw.add(gaussian(10, 13));
        assertEquals(1510, loaded.size());
        assertSameNeighbours(hnsw.search(queries, 8), loaded.search(queries, 8));

        ExactIndex exact = exact(KnnDistance.SQUARED_EUCLIDEAN, references);
        IndexFile.write(file, exact, owner); // replaces the file
        NearestNeighbourIndex exactLoaded = IndexFile.read(file, owner);
        assertTrue(exactLoaded instanceof ExactIndex);
        assertEquals(exact.references(), ((ExactIndex) exactLoaded).references());
        assertSameNeighbours(exact.search(queries, 8), exactLoaded.search(queries, 8));
    }

    @Test
    void parametersAreConfigAndProvenance() {
        HnswIndexSpec spec = new HnswIndexSpec(24, 150, 80, 2);
        ConfiguredObjectProvenance provenance = spec.getProvenance();
        assertEquals(HnswIndexSpec.class.getName(), provenance.getClassName());
        assertEquals("24", provenance.getConfiguredParameters().get("maxDegree").toString());
        assertEquals("150", provenance.getConfiguredParameters().get("constructionBeam").toString());
        assertEquals("80", provenance.getConfiguredParameters().get("searchBeam").toString());
        PropertyException bad = assertThrows(PropertyException.class, () -> new HnswIndexSpec(1, 100, 64, 1));
        assertTrue(bad.getMessage().contains("maxDegree must be at least 2, found 1"), bad.getMessage());
    }

    @Test
    void specsComeFromOlcutConfiguration(@TempDir Path dir) throws IOException {
        Path xml = Files.writeString(dir.resolve("index.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<config><component name=\"index\" type=\"org.dml4j.index.HnswIndexSpec\">"
                + "<property name=\"maxDegree\" value=\"24\"/><property name=\"searchBeam\" value=\"80\"/>"
                + "</component><component name=\"exact\" type=\"org.dml4j.index.ExactIndexSpec\">"
                + "<property name=\"referenceBlockSize\" value=\"512\"/></component></config>");
        com.oracle.labs.mlrg.olcut.config.ConfigurationManager cm =
                new com.oracle.labs.mlrg.olcut.config.ConfigurationManager(xml.toString());
        HnswIndexSpec spec = (HnswIndexSpec) cm.lookup("index");
        assertEquals("HnswIndexSpec(maxDegree=24, constructionBeam=100, searchBeam=80, buildThreads=1)",
                spec.toString());
        assertEquals(512, ((ExactIndexSpec) cm.lookup("exact")).referenceBlockSize());
        cm.close();
    }

    @Test
    void wrongWidthAndNonFiniteRowsAreRefused() {
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        INDArray references = gaussian(20, 14);
        references.putScalar(3, 5, Float.NaN);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> hnsw.add(references));
        assertTrue(nan.getMessage().contains("reference row 3 has a non-finite value (NaN in column 5)"),
                nan.getMessage());
        assertEquals(0, hnsw.size());
        hnsw.add(gaussian(20, 15));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> hnsw.search(Nd4j.create(DataType.FLOAT, 2, DIM + 1), 3));
        assertTrue(wide.getMessage().contains("query rows are 13 wide but the index holds embeddings of width 12"),
                wide.getMessage());
        INDArray queries = gaussian(2, 16);
        queries.putScalar(1, 0, Float.POSITIVE_INFINITY);
        for (NearestNeighbourIndex index : new NearestNeighbourIndex[]{hnsw, exact(KnnDistance.DOT, gaussian(5,
                17))}) {
            IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                    () -> index.search(queries, 3));
            assertTrue(inf.getMessage().contains("query row 1 has a non-finite value (Infinity in column 0)"),
                    inf.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> hnsw.search(gaussian(1, 18), 0));
        assertThrows(IllegalStateException.class,
                () -> EXHAUSTIVE.create(KnnDistance.COSINE, DIM).search(gaussian(1, 19), 1));
    }

    @Test
    void fileOfAnotherModelIsRefused(@TempDir Path dir) throws IOException {
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(gaussian(50, 20));
        Path file = dir.resolve("a.idx");
        IndexFile.write(file, hnsw, new byte[]{1, 2, 3});
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> IndexFile.read(file, new byte[]{1, 2, 4}));
        assertTrue(other.getMessage().contains("was built for another model (model digest 010203..., this "
                + "model's is 010204...)"), other.getMessage());
    }

    @Test
    void damagedFilesAreRefused(@TempDir Path dir) throws IOException {
        byte[] owner = {9};
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(gaussian(50, 21));
        Path file = dir.resolve("a.idx");
        IndexFile.write(file, hnsw, owner);
        byte[] bytes = Files.readAllBytes(file);

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        assertRefused(dir, flipped, owner, "corrupt index file", "checksum does not match");
        assertRefused(dir, java.util.Arrays.copyOf(bytes, bytes.length - 7), owner, "corrupt index file",
                "checksum does not match");
        assertRefused(dir, java.util.Arrays.copyOf(bytes, 10), owner, "corrupt index file", "header");
        assertRefused(dir, "not an index at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII), owner,
                "is not a DML4J index file", "DML4JIDX");
        byte[] future = bytes.clone();
        future[11] = 9; // version 9
        assertRefused(dir, future, owner, "unknown index file version 9", "update DML4J");
    }

    @Test
    void aGraphWithOutOfBoundsLinksIsRefusedEvenWithAValidChecksum(@TempDir Path dir) throws Exception {
        byte[] owner = {7};
        byte[] content = smallGraphFile(dir, owner);
        // header 44 bytes; body: "hnsw" (2 + 4), owner (4 + 1), "SQUARED_EUCLIDEAN" (2 + 17), 2 ints, 3 ints,
        // the rows, then the graph: levels, entry node, level 0's count, node 0's degree and its first neighbour
        int firstNeighbour = 44 + 6 + 5 + 19 + 8 + 12 + 20 * DIM * Float.BYTES + 4 * Integer.BYTES;
        java.nio.ByteBuffer.wrap(content).putInt(firstNeighbour, 20);
        resign(content);
        assertRefused(dir, content, owner, "corrupt index file", "neighbour id 20 is outside 0..19");
        java.nio.ByteBuffer.wrap(content).putInt(firstNeighbour - 4, 1 << 20);
        resign(content);
        assertRefused(dir, content, owner, "corrupt index file", "has 1048576 neighbours; at most 16");
    }

    @Test
    void aStoredNaNEmbeddingIsRefusedEvenWithAValidChecksum(@TempDir Path dir) throws Exception {
        byte[] owner = {7};
        byte[] content = smallGraphFile(dir, owner);
        // the rows start after the header (44), "hnsw" (6), the owner (5), the distance (19) and five ints
        int row3Column2 = 44 + 6 + 5 + 19 + 8 + 12 + (3 * DIM + 2) * Float.BYTES;
        java.nio.ByteBuffer.wrap(content).putFloat(row3Column2, Float.NaN);
        resign(content);
        assertRefused(dir, content, owner, "corrupt index file", "row 3 of the graph holds a non-finite value");
    }

    @Test
    void aVersionOneGraphFileIsRefusedWithTheWayToRebuildIt(@TempDir Path dir) throws Exception {
        byte[] owner = {7};
        byte[] content = smallGraphFile(dir, owner);
        content[11] = 1;
        assertRefused(dir, content, owner, "version 1 graph", "no longer reads", "rebuild the index");
    }

    /** The bytes of a saved 20-row graph. */
    private static byte[] smallGraphFile(Path dir, byte[] owner) throws IOException {
        HnswIndex hnsw = EXHAUSTIVE.create(KnnDistance.SQUARED_EUCLIDEAN, DIM);
        hnsw.add(gaussian(20, 22));
        Path file = dir.resolve("a.idx");
        IndexFile.write(file, hnsw, owner);
        return Files.readAllBytes(file);
    }

    /** Writes the SHA-256 of the body into the header, as a forger would. */
    private static void resign(byte[] content) throws Exception {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(
                java.util.Arrays.copyOfRange(content, 44, content.length));
        System.arraycopy(sha, 0, content, 12, 32);
    }

    private static void assertRefused(Path dir, byte[] content, byte[] owner, String... fragments)
            throws IOException {
        Path file = Files.write(dir.resolve("damaged.idx"), content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexFile.read(file, owner));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }
}
