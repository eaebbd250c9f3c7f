package org.dml4j.index;

import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.NeighborQueue;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;

import java.util.Arrays;
import java.util.List;

/**
 * One thread's HNSW search over a graph that Lucene built ({@link HnswIndex}), with scratch state that is kept from
 * query to query: visited marks, and Lucene's {@link NeighborQueue}s for the candidates and the beam. Lucene's own
 * {@code HnswGraphSearcher.search} allocates a sparse visited set per query and scores through its similarity
 * ({@code 1 / (1 + d²)}); this search takes the usual HNSW steps (a beam of one through the upper levels, then a
 * beam of width ef on level 0) directly in {@link GraphDistance} units, so a query allocates only its result.
 * <p>
 * Not thread-safe: {@link HnswIndex} lends each searching thread its own searcher.
 */
final class GraphSearcher {
    /** Per node, the {@link #epoch} of the last search that visited it. */
    private int[] visited = new int[0];
    private int epoch;
    /** The nodes still to expand, nearest on top (scores are negated distances). */
    private final NeighborQueue candidates = new NeighborQueue(64, true);
    /** An upper level's nearest node. */
    private final NeighborQueue nearest = new NeighborQueue(1, false);
    /** Level 0's beam: the nearest nodes found so far, farthest on top; made for {@link #beam}. */
    private NeighborQueue results;
    private int beam;
    /** The beam's ids and distances in order, grown as needed. */
    private int[] ids = new int[0];
    private float[] ds = new float[0];

    /**
     * Searches the graph for the beam's nearest rows of a query.
     * @param graph The graph over {@code rows}, not empty, not modified during the call.
     * @param rows The rows, as the graph compares them.
     * @param distance The distance the graph was built with.
     * @param query The query, as the graph compares it (normalized for the cosine distance).
     * @param beam ef, at least 1.
     * @param k The number of neighbours to return, at least 1.
     * @param indices Receives the ids of the min(k, found) nearest, nearest first, ties by id.
     * @param distances Receives their distances.
     * @return The number of neighbours written.
     */
    int search(OnHeapHnswGraph graph, List<float[]> rows, GraphDistance distance, float[] query, int beam, int k,
               int[] indices, float[] distances) {
        prepare(rows.size(), beam);
        int entry = graph.entryNode();
        float entryDistance = distance.distance(query, rows.get(entry));
        // the upper levels with a beam of one: each moves the entry towards the query
        for (int level = graph.numLevels() - 1; level >= 1; level--) {
            searchLevel(graph, rows, distance, query, level, entry, entryDistance, nearest, 1);
            entryDistance = -nearest.topScore();
            entry = nearest.topNode();
        }
        searchLevel(graph, rows, distance, query, 0, entry, entryDistance, results, beam);
        return collect(k, indices, distances);
    }

    /** The beam search of one level from the entry node; {@code found} ends up holding the width nearest. */
    private void searchLevel(OnHeapHnswGraph graph, List<float[]> rows, GraphDistance distance, float[] query,
                             int level, int entry, float entryDistance, NeighborQueue found, int width) {
        nextEpoch();
        visited[entry] = epoch;
        candidates.clear();
        found.clear();
        candidates.add(entry, -entryDistance);
        found.add(entry, -entryDistance);
        float bound = found.size() >= width ? -found.topScore() : Float.POSITIVE_INFINITY;
        while (candidates.size() > 0 && -candidates.topScore() <= bound) {
            NeighborArray friends = graph.getNeighbors(level, candidates.pop());
            int[] ids = friends.nodes();
            for (int i = 0, n = friends.size(); i < n; i++) {
                int friend = ids[i];
                if (visited[friend] == epoch) {
                    continue;
                }
                visited[friend] = epoch;
                float d = distance.distance(query, rows.get(friend));
                if (d < bound) {
                    candidates.add(friend, -d);
                    found.insertWithOverflow(friend, -d);
                    if (found.size() >= width) {
                        bound = -found.topScore();
                    }
                }
            }
        }
    }

    /** Empties the beam into the output arrays, nearest first, ties by id, and keeps the first k. */
    private int collect(int k, int[] indices, float[] distances) {
        int found = results.size();
        if (ids.length < found) {
            ids = new int[found];
            ds = new float[found];
        }
        for (int i = found - 1; i >= 0; i--) {
            ds[i] = -results.topScore();
            ids[i] = results.pop();
        }
        // the heap pops in distance order; put equal distances in id order
        for (int i = 1; i < found; i++) {
            int id = ids[i];
            float d = ds[i];
            int j = i - 1;
            while (j >= 0 && ds[j] == d && ids[j] > id) {
                ids[j + 1] = ids[j];
                ds[j + 1] = ds[j];
                j--;
            }
            ids[j + 1] = id;
            ds[j + 1] = d;
        }
        int n = Math.min(k, found);
        System.arraycopy(ids, 0, indices, 0, n);
        System.arraycopy(ds, 0, distances, 0, n);
        return n;
    }

    private void prepare(int size, int beam) {
        if (visited.length < size) {
            visited = new int[Math.max(size, visited.length + (visited.length >> 1))];
            epoch = 0;
        }
        if (results == null || this.beam != beam) {
            results = new NeighborQueue(beam, false);
            this.beam = beam;
        }
    }

    private void nextEpoch() {
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(visited, 0);
            epoch = 1;
        }
    }
}
