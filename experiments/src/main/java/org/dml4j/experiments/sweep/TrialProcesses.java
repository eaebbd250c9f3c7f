package org.dml4j.experiments.sweep;

import org.dml4j.experiments.io.UserError;
import org.dml4j.experiments.training.TrainingEventLog;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs sweep trials as child JVMs: each is {@code dml4j train} with the trial's options on this JVM's classpath and
 * heap settings, {@code OMP_NUM_THREADS} set to its share of the cores, no tracking of its own (the sweep keeps the
 * trial's nested run from the events the child writes with {@code --events-out}). The children end with the sweep:
 * {@link #close()} and a shutdown hook (Ctrl-C, SIGTERM) kill those still running.
 */
final class TrialProcesses implements AutoCloseable {

    private static final int STDERR_TAIL_CHARS = 800;
    private static final long POLL_MILLIS = 100;

    private final String launcher;
    private final int threads;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final Thread hook = new Thread(this::killAll, "dml4j-sweep-children");

    /**
     * @param launcher the main class that runs {@code train} as its first argument
     * @param threads  each child's native threads ({@code OMP_NUM_THREADS})
     */
    TrialProcesses(String launcher, int threads) {
        this.launcher = launcher;
        this.threads = Math.max(1, threads);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts a trial's child JVM.
     *
     * @param trial the trial
     * @return the running child
     * @throws UserError when the JVM cannot be started
     */
    Child start(Trial trial) {
        try {
            Path events = Files.createTempFile("dml4j-trial-" + trial.number() + "-", ".jsonl");
            Path stderr = Files.createTempFile("dml4j-trial-" + trial.number() + "-", ".err");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-Xm") || arg.startsWith("-D")) {
                    command.add(arg); // heap and system properties; not agents or debugger ports
                }
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), launcher, "train"));
            command.addAll(trial.args().arguments);
            command.addAll(List.of("--quiet", "--events-out", events.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(Redirect.DISCARD)
                    .redirectError(stderr.toFile());
            Map<String, String> environment = builder.environment();
            environment.put("OMP_NUM_THREADS", String.valueOf(threads));
            environment.remove("MLFLOW_TRACKING_URI"); // the sweep tracks the trial, not the child
            Process process = builder.start();
            live.add(process);
            return new Child(process, events, stderr);
        } catch (IOException e) {
            throw new UserError("Cannot start a JVM for trial " + trial.number() + ": " + e.getMessage() + ". Use "
                    + "\"isolation\": \"thread\", or check the Java installation at " + System.getProperty("java.home")
                    + ".", e);
        }
    }

    private void killAll() {
        for (Process process : live) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
        killAll();
    }

    /** A running trial JVM. */
    final class Child {

        private final Process process;
        private final Path events;
        private final Path stderr;
        private volatile boolean stopped;

        private Child(Process process, Path events, Path stderr) {
            this.process = process;
            this.events = events;
            this.stderr = stderr;
        }

        /** Stops the trial early (the stopping rule's action): ends the JVM. */
        void stop() {
            stopped = true;
            process.destroy();
        }

        /** @return whether {@link #stop()} ended it */
        boolean stopped() {
            return stopped;
        }

        /**
         * Follows the child's events until it ends, replaying them (none after a stop), and tells the listeners
         * how it ended when it did not complete.
         *
         * @param replay where the events go
         * @return null when the child completed or was stopped, else why it failed (its standard error's tail)
         */
        String follow(TrainingEventLog.Replay replay) {
            try {
                StringBuilder pending = new StringBuilder();
                int read = 0;
                boolean alive = true;
                while (alive) {
                    alive = !process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    read = replayNew(read, pending, replay);
                }
                if (stopped) {
                    replay.failed(new InterruptedException("stopped by the sweep's early-stopping rule"));
                    return null;
                }
                if (process.exitValue() != 0) {
                    String failure = "exit status " + process.exitValue() + ": " + stderrTail();
                    replay.failed(new IllegalStateException(failure));
                    return failure;
                }
                return null;
            } catch (IOException e) {
                process.destroyForcibly();
                replay.failed(e);
                return "unreadable training events: " + e.getMessage();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                replay.failed(e);
                return "the sweep was interrupted";
            } finally {
                live.remove(process);
                events.toFile().delete();
                stderr.toFile().delete();
            }
        }

        /** Replays the whole lines written since {@code read} bytes; returns the bytes read now. */
        private int replayNew(int read, StringBuilder pending, TrainingEventLog.Replay replay) throws IOException {
            byte[] all = Files.readAllBytes(events);
            pending.append(new String(all, read, all.length - read, StandardCharsets.UTF_8));
            int end;
            while ((end = pending.indexOf("\n")) >= 0) {
                String line = pending.substring(0, end);
                pending.delete(0, end + 1);
                if (!stopped && !line.isBlank()) {
                    replay.line(line);
                }
            }
            return all.length;
        }

        private String stderrTail() throws IOException {
            String text = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            return text.length() <= STDERR_TAIL_CHARS ? text : "..." + text.substring(text.length()
                    - STDERR_TAIL_CHARS);
        }
    }
}
