"""faiss side of the approximate nearest-neighbour benchmark (org.dml4j.experiments.bench.AnnBenchmark).

Started by AnnBenchmark as `python faiss_ann_peer.py GALLERY.npy QUERIES.npy TRUTH.txt K`; reads one command a
line from stdin and answers each with one JSON line on stdout, so that the Java driver can alternate the two
sides within one run:

  build hnsw M EF_CONSTRUCTION THREADS [FILE]
                                         faiss.IndexHNSWFlat (same M and efConstruction as DML4J's HnswIndex);
                                         with FILE: read from it when it exists (build_s null), else built and
                                         written there
  build flat                             faiss.IndexFlatL2 (exact)
  search hnsw EF THREADS MIN_SECONDS     recall@K against TRUTH and queries per second (batch search, repeated
                                         until MIN_SECONDS have passed; QPS over all passes)
  search flat THREADS MIN_SECONDS
  quit

TRUTH.txt holds the exact K nearest gallery rows of every query (from DML4J's ExactIndex), one line per query.
Memory: the growth of the resident set across the build, and the process's peak resident set (VmHWM) before and
after it; size is the length of faiss.serialize_index.
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def status_bytes(field):
    """A /proc/self/status memory field (VmRSS: resident set now, VmHWM: peak resident set) in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def rss_bytes():
    return status_bytes("VmRSS")


def recall(found, truth):
    hits = sum(len(set(f.tolist()) & set(t)) for f, t in zip(found, truth))
    return hits / float(sum(len(t) for t in truth))


def main():
    gallery = np.ascontiguousarray(np.load(sys.argv[1]), dtype=np.float32)
    queries = np.ascontiguousarray(np.load(sys.argv[2]), dtype=np.float32)
    with open(sys.argv[3]) as f:
        truth = [[int(x) for x in line.split()] for line in f if line.strip()]
    k = int(sys.argv[4])
    indexes = {}
    print(json.dumps({"ready": True, "faiss": faiss.__version__, "gallery": list(gallery.shape)}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "build":
            kind = words[1]
            before = rss_bytes()
            peak_before = status_bytes("VmHWM")
            start = time.perf_counter()
            cached = words[5] if kind == "hnsw" and len(words) > 5 else None
            if cached and os.path.exists(cached):
                index = faiss.read_index(cached)
                seconds = None
            else:
                if kind == "hnsw":
                    faiss.omp_set_num_threads(int(words[4]))
                    index = faiss.IndexHNSWFlat(gallery.shape[1], int(words[2]))
                    index.hnsw.efConstruction = int(words[3])
                else:
                    index = faiss.IndexFlatL2(gallery.shape[1])
                index.add(gallery)
                seconds = time.perf_counter() - start
                if cached:
                    faiss.write_index(index, cached)
            indexes[kind] = index
            answer = {"build_s": seconds, "memory_bytes": rss_bytes() - before,
                      "peak_rss_before_bytes": peak_before, "peak_rss_bytes": status_bytes("VmHWM"),
                      "size_bytes": int(faiss.serialize_index(index).size)}
        else:
            kind = words[1]
            index = indexes[kind]
            if kind == "hnsw":
                index.hnsw.efSearch = int(words[2])
            faiss.omp_set_num_threads(int(words[-2]))
            min_seconds = float(words[-1])
            passes = 0
            start = time.perf_counter()
            while True:
                _, found = index.search(queries, k)
                passes += 1
                seconds = time.perf_counter() - start
                if seconds >= min_seconds:
                    break
            answer = {"qps": len(queries) * passes / seconds, "passes": passes, "recall": recall(found, truth)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
