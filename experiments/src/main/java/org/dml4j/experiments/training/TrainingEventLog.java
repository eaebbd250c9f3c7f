package org.dml4j.experiments.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.train.EpochEnd;
import org.dml4j.train.RunEnd;
import org.dml4j.train.RunStart;
import org.dml4j.train.TrainingListener;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A training run's events as JSON lines, written as they happen ({@code train --events-out}) so that another process
 * (a process-isolated sweep) can follow the run:
 * <pre>{@code
 * {"event":"start","data":{"dataset.size":"180",...}}
 * {"event":"epoch","epoch":1,"step":6,"loss":0.41,"lr":0.001,"seconds":0.2,"validation":{"map_at_r":0.62,...},
 *  "process_cpu_seconds":3.1}
 * {"event":"end","epochs":3,"seconds":0.7,"metrics":{"map_at_r":0.71,...}}
 * }</pre>
 * {@code process_cpu_seconds} is the CPU time the whole process (every thread: training, native ops, JIT
 * compilers, garbage collector) has used since it started, read at the epoch's end; the difference between two
 * epochs' values is the later epoch's CPU time (the benchmark harness compares it with the wall time). Replay
 * ignores it. Non-finite values are written as the strings {@code "NaN"} and {@code "Infinity"}. The lines go to a file or,
 * for a trial that runs on a Spark executor, to a list that travels back with the task's result.
 */
public final class TrainingEventLog implements TrainingListener {

    private static final OperatingSystemMXBean PROCESS =
            ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    private final Path file;
    private final Consumer<String> lines;

    /**
     * A log that writes to a file, created or emptied now.
     *
     * @param file the file
     * @throws UserError when it cannot be written
     */
    public TrainingEventLog(Path file) {
        this.file = file;
        this.lines = null;
        try {
            Files.writeString(file, "");
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    /**
     * A log that hands each line (without its line end) to a consumer.
     *
     * @param lines where the lines go
     */
    public TrainingEventLog(Consumer<String> lines) {
        this.file = null;
        this.lines = lines;
    }

    @Override
    public void onRunStart(RunStart start) {
        append(Map.of("event", "start", "data", start.datasetInfo() == null ? Map.of() : start.datasetInfo()));
    }

    @Override
    public void onEpochEnd(EpochEnd epoch) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "epoch");
        line.put("epoch", epoch.epoch());
        line.put("step", epoch.step());
        line.put("loss", epoch.meanLoss());
        line.put("lr", epoch.learningRate());
        line.put("seconds", epoch.seconds());
        line.put("validation", epoch.validationMetrics());
        line.put("process_cpu_seconds", PROCESS.getProcessCpuTime() / 1e9);
        append(line);
    }

    @Override
    public void onRunEnd(RunEnd end) {
        append(Map.of("event", "end", "epochs", end.epochs(), "seconds", end.seconds(), "metrics",
                end.finalMetrics()));
    }

    /** Appends one event as a line, closing the file after it so that a reader sees whole lines. */
    private void append(Map<String, Object> event) {
        try {
            String line = JsonFiles.MAPPER.writeValueAsString(event);
            if (lines != null) {
                lines.accept(line);
                return;
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    private UserError cannotWrite(IOException e) {
        return new UserError("Cannot write the training events to " + file + ": " + e.getMessage() + ". Give "
                + "--events-out a file in an existing, writable folder.", e);
    }

    /**
     * Turns event lines back into listener calls, in order. The run's start comes from the caller, which knows the
     * trainer and data (only the data facts travel in the log); the end's model is null, as a model does not
     * travel either.
     */
    public static final class Replay {

        private final Function<Map<String, String>, RunStart> start;
        private final List<TrainingListener> listeners;

        /**
         * @param start     the run start, from the logged data facts
         * @param listeners the listeners to call
         */
        public Replay(Function<Map<String, String>, RunStart> start, List<TrainingListener> listeners) {
            this.start = start;
            this.listeners = listeners;
        }

        /**
         * Replays one line.
         *
         * @param line a JSON line of the log
         * @throws IOException when it is not an event
         */
        public void line(String line) throws IOException {
            JsonNode event = JsonFiles.MAPPER.readTree(line);
            switch (event.path("event").asText()) {
                case "start" -> {
                    Map<String, String> data = new LinkedHashMap<>();
                    event.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                    RunStart runStart = start.apply(data);
                    listeners.forEach(l -> l.onRunStart(runStart));
                }
                case "epoch" -> {
                    EpochEnd epoch = new EpochEnd(event.path("epoch").asInt(), event.path("step").asLong(),
                            event.path("loss").asDouble(), event.path("lr").asDouble(),
                            numbers(event.path("validation")), event.path("seconds").asDouble());
                    listeners.forEach(l -> l.onEpochEnd(epoch));
                }
                case "end" -> {
                    RunEnd end = new RunEnd(null, numbers(event.path("metrics")), event.path("epochs").asInt(),
                            event.path("seconds").asDouble());
                    listeners.forEach(l -> l.onRunEnd(end));
                }
                default -> throw new IOException("not a training event: " + line);
            }
        }

        /**
         * Tells the listeners the run did not complete.
         *
         * @param error why ({@link InterruptedException} when it was stopped)
         */
        public void failed(Throwable error) {
            listeners.forEach(l -> l.onRunFailure(error));
        }

        private static Map<String, Double> numbers(JsonNode object) {
            Map<String, Double> out = new LinkedHashMap<>();
            object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
            return out;
        }
    }
}
