"""Summarises run-bench.sh's results.tsv: one row per workload and condition (median over rounds of each side's
figure, its spread, the ratio DML4J / peer, the ratio of the two sides' CPU seconds where both report cpu_s, the
load average range), then, when the epoch part ran, the issue-24 table: per loss and condition the ratios of the
2nd and of the last epoch, wall and CPU.

  bench_summary.py RESULTS.tsv EPOCHS CPU_MODEL
"""
import collections
import re
import statistics
import sys


def median(values):
    return statistics.median(values) if values else None


def ratio(d, p):
    return "%.2f" % (d / p) if d is not None and p else "-"


def main(tsv, epochs, cpu):
    walls = collections.defaultdict(lambda: collections.defaultdict(list))
    cpus = collections.defaultdict(lambda: collections.defaultdict(list))
    loads = collections.defaultdict(list)
    for line in open(tsv):
        side, _rnd, condition, load, name, med, _lo, _hi, _n, extra = line.rstrip("\n").split("\t")
        key = (name, condition)
        walls[key][side].append(float(med))
        loads[key].append(float(load))
        m = re.search(r"\bcpu_s=([0-9.]+)", extra)
        if m:
            cpus[key][side].append(float(m.group(1)))
    fmt = lambda v: "%.2f (%.2f-%.2f)" % (statistics.median(v), min(v), max(v)) if v else "-"
    print("| workload | condition | DML4J median ms (spread) | peer median ms (spread) | DML4J / peer | CPU s "
          "DML4J / peer | rounds | load avg (1 min) |")
    print("|---|---|---:|---:|---:|---|---:|---|")
    for key, sides in walls.items():
        d, p = sides.get("dml4j", []), sides.get("peer", [])
        cd, cp = median(cpus[key].get("dml4j", [])), median(cpus[key].get("peer", []))
        cpu_col = "%.2f / %.2f = %s" % (cd, cp, ratio(cd, cp)) if cd is not None and cp else "-"
        print("| %s | %s | %s | %s | %s | %s | %d | %.1f-%.1f |" % (
            key[0], key[1], fmt(d), fmt(p), ratio(median(d), median(p)), cpu_col, min(len(d), len(p)),
            min(loads[key]), max(loads[key])))

    losses = list(dict.fromkeys(n.split("_", 1)[1] for n, _ in walls if re.match(r"epoch\d+_", n)))
    if not losses:
        return
    shown = sorted({min(2, epochs), epochs})
    conditions = list(dict.fromkeys(c for _, c in walls))
    print()
    print("Epoch ratios DML4J / PyTorch + PML (median over rounds; wall, and in brackets the process CPU seconds) "
          "on %s:" % cpu)
    print()
    print("| loss | condition | " + " | ".join("epoch %d" % e for e in shown) + " | load avg (1 min) |")
    print("|---|---|" + "---:|" * len(shown) + "---|")
    for loss in losses:
        for condition in conditions:
            cells, load = [], []
            for e in shown:
                key = ("epoch%d_%s" % (e, loss), condition)
                w = walls.get(key, {})
                c = cpus.get(key, {})
                load += loads.get(key, [])
                wall = ratio(median(w.get("dml4j", [])), median(w.get("peer", [])))
                cpu_ratio = ratio(median(c.get("dml4j", [])), median(c.get("peer", [])))
                cells.append("%s (CPU %s)" % (wall, cpu_ratio))
            if load:
                print("| %s | %s | %s | %.1f-%.1f |" % (loss, condition, " | ".join(cells), min(load), max(load)))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
