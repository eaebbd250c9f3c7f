package org.dml4j.index;

import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;

/**
 * An HNSW graph's levels and neighbour lists as DML4J writes them into an {@link IndexFile} and reads them back,
 * every count and node id checked against the graph's bounds before it is used (the file is untrusted input).
 * <p>
 * Layout (big-endian ints): the number of levels and the entry node; then per level, from 0 up: the number of
 * nodes on it (level 0 holds every node, in order), and per node its id (levels above 0, ascending), its number
 * of neighbours and their ids. Read back, it is a read-only {@link HnswGraph} from which Lucene rebuilds a
 * growable graph.
 */
final class StoredGraph extends HnswGraph {
    private static final int MAX_LEVELS = 64;

    private final int size;
    private final int entryNode;
    /** Per level, the sorted node ids on it (level 0: null, every node). */
    private final int[][] levelNodes;
    /** Per level, per position in {@link #levelNodes}, the neighbour ids. */
    private final int[][][] neighbours;
    private int[] cursor = new int[0];
    private int cursorPosition;

    private StoredGraph(int size, int entryNode, int[][] levelNodes, int[][][] neighbours) {
        this.size = size;
        this.entryNode = entryNode;
        this.levelNodes = levelNodes;
        this.neighbours = neighbours;
    }

    /**
     * Writes a graph's levels and neighbour lists.
     * @param out The stream.
     * @param graph The graph, nodes numbered 0 to size - 1.
     * @throws IOException if writing fails.
     */
    static void write(DataOutputStream out, OnHeapHnswGraph graph) throws IOException {
        int levels = graph.size() == 0 ? 0 : graph.numLevels();
        out.writeInt(levels);
        out.writeInt(graph.size() == 0 ? -1 : graph.entryNode());
        for (int level = 0; level < levels; level++) {
            int[] nodes = NodesIterator.getSortedNodes(graph.getNodesOnLevel(level));
            out.writeInt(nodes.length);
            for (int node : nodes) {
                if (level > 0) {
                    out.writeInt(node);
                }
                NeighborArray friends = graph.getNeighbors(level, node);
                out.writeInt(friends.size());
                int[] ids = friends.nodes();
                for (int i = 0; i < friends.size(); i++) {
                    out.writeInt(ids[i]);
                }
            }
        }
    }

    /**
     * Reads what {@link #write} wrote, checking every count and id.
     * @param in The stream.
     * @param size The number of nodes the file's header announces.
     * @param maxDegree M: level 0 allows 2M neighbours, the others M.
     * @return The graph.
     * @throws IOException if reading fails.
     * @throws IllegalArgumentException if the content is out of bounds.
     */
    static StoredGraph read(DataInputStream in, int size, int maxDegree) throws IOException {
        int levels = in.readInt();
        int entry = in.readInt();
        if (size == 0 ? levels != 0 || entry != -1 : levels < 1 || levels > MAX_LEVELS || entry < 0 || entry >= size) {
            throw new IllegalArgumentException("the graph's " + levels + " levels or entry node " + entry
                    + " do not fit " + size + " rows");
        }
        int[][] levelNodes = new int[levels][];
        int[][][] neighbours = new int[levels][][];
        for (int level = 0; level < levels; level++) {
            int count = in.readInt();
            int limit = level == 0 ? size : levelNodes[level - 1] == null ? size : levelNodes[level - 1].length;
            if (count < 1 || count > limit || level == 0 && count != size) {
                throw new IllegalArgumentException("level " + level + " of the graph has " + count + " nodes; "
                        + (level == 0 ? "expected " + size : "at most " + limit));
            }
            int[] nodes = level == 0 ? null : new int[count];
            int[][] lists = new int[count][];
            int maxNeighbours = level == 0 ? 2 * maxDegree : maxDegree;
            for (int i = 0; i < count; i++) {
                if (nodes != null) {
                    nodes[i] = in.readInt();
                    if (nodes[i] < 0 || nodes[i] >= size || i > 0 && nodes[i] <= nodes[i - 1]
                            || !onLevel(levelNodes[level - 1], nodes[i])) {
                        throw new IllegalArgumentException("level " + level + " lists node " + nodes[i]
                                + " out of order or absent from the level below");
                    }
                }
                int degree = in.readInt();
                if (degree < 0 || degree > maxNeighbours) {
                    throw new IllegalArgumentException("a node on level " + level + " has " + degree
                            + " neighbours; at most " + maxNeighbours);
                }
                lists[i] = new int[degree];
                for (int j = 0; j < degree; j++) {
                    int friend = in.readInt();
                    if (friend < 0 || friend >= size) {
                        throw new IllegalArgumentException("a neighbour id " + friend + " is outside 0.." + (size - 1));
                    }
                    lists[i][j] = friend;
                }
            }
            levelNodes[level] = nodes;
            neighbours[level] = lists;
        }
        if (levels > 1 && !onLevel(levelNodes[levels - 1], entry)) {
            throw new IllegalArgumentException("the entry node " + entry + " is not on the top level");
        }
        return new StoredGraph(size, entry, levelNodes, neighbours);
    }

    private static boolean onLevel(int[] nodes, int node) {
        return nodes == null || Arrays.binarySearch(nodes, node) >= 0;
    }

    private int position(int level, int node) {
        return levelNodes[level] == null ? node : Arrays.binarySearch(levelNodes[level], node);
    }

    @Override
    public void seek(int level, int target) {
        int position = position(level, target);
        cursor = position < 0 ? new int[0] : neighbours[level][position];
        cursorPosition = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int nextNeighbor() {
        return cursorPosition < cursor.length ? cursor[cursorPosition++] : NO_MORE_DOCS;
    }

    @Override
    public int numLevels() {
        return levelNodes.length;
    }

    @Override
    public int entryNode() {
        return entryNode;
    }

    @Override
    public NodesIterator getNodesOnLevel(int level) {
        int[] nodes = levelNodes[level];
        return nodes == null ? new ArrayNodesIterator(size) : new ArrayNodesIterator(nodes, nodes.length);
    }
}
