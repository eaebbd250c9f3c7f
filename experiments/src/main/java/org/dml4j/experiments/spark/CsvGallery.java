package org.dml4j.experiments.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.experiments.io.UserError;
import scala.Tuple2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A CSV file (a header line, a label column, numeric feature columns) that the executors read themselves, in byte
 * ranges, through Hadoop's file systems ({@code /shared/path}, {@code file:}, {@code hdfs://}, ...): the driver never
 * opens it, so it must be on a path every executor can read, not necessarily one the driver can. Rows are numbered in
 * file order (blank lines skipped); fields are split on commas (no quoted commas).
 */
final class CsvGallery implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Bytes per read task. */
    private static final long SPLIT_BYTES = 32L << 20;

    private final String path;
    private final String labelColumn;
    private final List<String> header;
    private final int labelAt;
    private final long length;
    private final int splits;
    /** Per byte range, the index of its first row; set by {@link #scan}. */
    private long[] firstRow;

    private CsvGallery(String path, String labelColumn, List<String> header, long length, int splits) {
        this.path = path;
        this.labelColumn = labelColumn;
        this.header = header;
        this.labelAt = header.indexOf(labelColumn);
        this.length = length;
        this.splits = splits;
    }

    /** A parsed row: its features in header order (the label column left out) and its label. */
    record Row(String label, String[] names, double[] values) {
    }

    /**
     * Reads the file's header and length on an executor.
     *
     * @param spark       the application
     * @param path        the file, as the executors see it
     * @param labelColumn the header's name of the label column
     * @return the file
     * @throws UserError when an executor cannot read it, or it has no such column
     */
    static CsvGallery open(JavaSparkContext spark, String path, String labelColumn) {
        Tuple2<String, Long> head = SparkJobs.run("read the CSV file " + path, () -> spark
                .parallelize(List.of(path), 1).map(CsvGallery::headerAndLength).first());
        List<String> header = Arrays.stream(head._1().split(",", -1)).map(CsvGallery::unquote).toList();
        if (!header.contains(labelColumn)) {
            throw new UserError(path + " has no column '" + labelColumn + "' (its header names " + header
                    + "); set --label-column to the label column's name.");
        }
        // at most one range a byte, so that every range but the first starts after the header's first byte
        long length = head._2();
        int splits = (int) Math.min(length, Math.max(spark.defaultParallelism(),
                (length + SPLIT_BYTES - 1) / SPLIT_BYTES));
        return new CsvGallery(path, labelColumn, header, length, splits);
    }

    private static Tuple2<String, Long> headerAndLength(String path) {
        try {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = file.getFileSystem(new Configuration());
            long length = fs.getFileStatus(file).getLen();
            try (InputStream in = fs.open(file)) {
                String first = new LineReader(in, Long.MAX_VALUE).next();
                if (first == null) {
                    throw new IOException("the file is empty; it needs a header line");
                }
                return new Tuple2<>(first, length);
            }
        } catch (IOException e) {
            throw new ExecutorFailure("An executor cannot read the CSV file " + path + " (" + e
                    + "). Give a path that every executor can read (a shared file system, hdfs://...).", e);
        }
    }

    /** @return the file's path */
    String path() {
        return path;
    }

    /**
     * Reads the file once on the executors: counts every label's rows and numbers the byte ranges' rows.
     *
     * @param spark the application
     * @return label name to row count, in no particular order
     */
    Map<String, Long> scan(JavaSparkContext spark) {
        List<Map<String, Long>> counts = SparkJobs.run("read the CSV file " + path, () -> ranges(spark).map(lines -> {
            Map<String, Long> labels = new HashMap<>();
            lines.forEach(line -> labels.merge(unquote(line.split(",", -1)[labelAt]), 1L, Long::sum));
            return labels;
        }).collect());
        firstRow = new long[splits];
        Map<String, Long> total = new HashMap<>();
        for (int s = 0; s < splits; s++) {
            long rows = counts.get(s).values().stream().mapToLong(Long::longValue).sum();
            if (s + 1 < splits) {
                firstRow[s + 1] = firstRow[s] + rows;
            }
            counts.get(s).forEach((label, n) -> total.merge(label, n, Long::sum));
        }
        return total;
    }

    /** The byte ranges' lines, one element (and partition) a range, in order. */
    private JavaRDD<List<String>> ranges(JavaSparkContext spark) {
        int n = splits;
        return spark.parallelize(IntStream.range(0, n).boxed().toList(), n).map(s -> readRange(s, n));
    }

    /** The file's rows as (row index, line) pairs, once {@link #scan} has numbered the ranges. */
    private JavaRDD<Tuple2<Integer, String>> lines(JavaSparkContext spark) {
        long[] first = firstRow;
        return ranges(spark).mapPartitionsWithIndex((range, lines) -> {
            List<Tuple2<Integer, String>> out = new ArrayList<>();
            long at = first[range];
            while (lines.hasNext()) {
                for (String line : lines.next()) {
                    out.add(new Tuple2<>(Math.toIntExact(at++), line));
                }
            }
            return out.iterator();
        }, true);
    }

    /** The non-blank lines that start in byte range s of {@code splits}, the header left out. */
    private List<String> readRange(int s, int splits) {
        long start = length * s / splits;
        long end = length * (s + 1) / splits;
        List<String> out = new ArrayList<>();
        try {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
            try (FSDataInputStream in = file.getFileSystem(new Configuration()).open(file)) {
                // a range owns the lines that start in it: skip to the first line start at or after start
                long from = start == 0 ? 0 : start - 1;
                in.seek(from);
                LineReader reader = new LineReader(in, end - from);
                reader.next(); // range 0: the header; others: the end of the line begun before start
                for (String line = reader.next(); line != null; line = reader.next()) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            }
        } catch (IOException e) {
            throw new ExecutorFailure("An executor cannot read the CSV file " + path + " (" + e
                    + "). Give a path that every executor can read (a shared file system, hdfs://...).", e);
        }
        return out;
    }

    /**
     * After {@link #scan}: the rows grouped into shards of whole blocks: shard s holds rows {@code [s × shardRows, (s+1) × shardRows)},
     * in order, parsed.
     *
     * @param spark     the application
     * @param shardRows the rows of a shard
     * @param rows      the file's row count
     * @return one element per shard: its first row and its rows
     */
    JavaRDD<Tuple2<Integer, List<Row>>> shards(JavaSparkContext spark, int shardRows, long rows) {
        int shards = Math.toIntExact(Math.max(1, (rows + shardRows - 1) / shardRows));
        return lines(spark).mapToPair(line -> new Tuple2<>(line._1() / shardRows, line))
                .partitionBy(new HashPartitioner(shards)).mapPartitions(part -> {
                    TreeMap<Integer, String> sorted = new TreeMap<>();
                    Integer shard = null;
                    while (part.hasNext()) {
                        Tuple2<Integer, Tuple2<Integer, String>> next = part.next();
                        shard = next._1();
                        sorted.put(next._2()._1(), next._2()._2());
                    }
                    if (shard == null) {
                        return List.<Tuple2<Integer, List<Row>>>of().iterator();
                    }
                    List<Row> parsed = new ArrayList<>(sorted.size());
                    sorted.forEach((index, line) -> parsed.add(parse(index, line)));
                    return List.of(new Tuple2<>(shard * shardRows, parsed)).iterator();
                });
    }

    private Row parse(int index, String line) {
        String[] cells = line.split(",", -1);
        long lineNumber = index + 2L; // after the header, without blank lines
        if (cells.length != header.size()) {
            throw new ExecutorFailure(path + " line " + lineNumber + " has " + cells.length + " fields but the "
                    + "header has " + header.size() + ": fix or drop that row.", null);
        }
        String[] names = new String[cells.length - 1];
        double[] values = new double[cells.length - 1];
        int f = 0;
        for (int c = 0; c < cells.length; c++) {
            if (c == labelAt) {
                continue;
            }
            names[f] = header.get(c);
            try {
                values[f] = Double.parseDouble(cells[c].strip());
            } catch (NumberFormatException e) {
                values[f] = Double.NaN;
            }
            if (!Double.isFinite(values[f]) || Math.abs(values[f]) > Float.MAX_VALUE) {
                throw new ExecutorFailure(path + " line " + lineNumber + ", column '" + header.get(c) + "': the value '"
                        + cells[c] + "' is not a finite float32 number. Every column but the label column ("
                        + labelColumn + ") must hold finite numbers: fix or drop that row.", null);
            }
            f++;
        }
        return new Row(unquote(cells[labelAt]), names, values);
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** Reads UTF-8 lines ({@code \n}, {@code \r\n}) that start within the first {@code limit} bytes of a stream. */
    private static final class LineReader {
        private final InputStream in;
        private final long limit;
        private long position;

        LineReader(InputStream in, long limit) {
            this.in = new java.io.BufferedInputStream(in, 1 << 16);
            this.limit = limit;
        }

        /** @return the next line starting within the limit, or null */
        String next() throws IOException {
            if (position >= limit) {
                return null;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                line.write(b);
                position++;
                b = in.read();
            }
            position++;
            String text = line.toString(StandardCharsets.UTF_8);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
