package org.dml4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background half of a tracker. Callers only {@link #offer} records into a bounded queue; a spooler thread
 * appends them to the run's {@link Spool} (local disk, never the network), and a sender thread delivers the spool
 * with {@link RunDelivery}, backing off while the server is unreachable and replaying everything in order when it
 * answers again.
 * <p>
 * While the run goes on, the sender delivers at most once per {@link #DELIVERY_INTERVAL}, so that whatever was
 * spooled in between goes in one {@code log-batch} call: each call costs the server (on a local server, the training
 * machine) far more CPU than the records in it, and a fast training loop logging every few batches would otherwise
 * make one call per record. {@link #finish} delivers at once.
 */
final class DeliveryWorker {

    private static final System.Logger LOG = System.getLogger(DeliveryWorker.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    /** The shortest time between two deliveries while the run goes on. */
    static final Duration DELIVERY_INTERVAL = Duration.ofSeconds(2);

    private final Spool spool;
    private final RunDelivery delivery;
    private final String server;
    private final Duration maxBackoff;
    private final BlockingQueue<Outgoing> queue;
    private final Semaphore spooled = new Semaphore(0);
    private final CountDownLatch senderDone = new CountDownLatch(1);
    private final CountDownLatch finishing = new CountDownLatch(1);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread spooler;
    private final Thread sender;
    private volatile SpoolState lastState = SpoolState.EMPTY;
    private volatile String problem;

    /**
     * Prepares the worker; {@link #start()} starts its threads.
     *
     * @param client        the server
     * @param spool         the run's spool, locked by the caller
     * @param queueCapacity the queue's capacity
     * @param maxBackoff    the longest wait between delivery attempts while the server is unreachable
     * @throws IOException when the spool's state cannot be read
     */
    DeliveryWorker(MlflowRestClient client, Spool spool, int queueCapacity, Duration maxBackoff) throws IOException {
        this.spool = spool;
        this.delivery = new RunDelivery(client, spool);
        this.server = client.connection().trackingUri().toString();
        this.maxBackoff = maxBackoff;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.spooler = new Thread(this::spoolLoop, "dml4j-mlflow-spooler");
        this.sender = new Thread(this::sendLoop, "dml4j-mlflow-sender");
        spooler.setDaemon(true);
        sender.setDaemon(true);
    }

    /** Starts the spooler and sender threads. */
    void start() {
        spooler.start();
        sender.start();
    }

    /**
     * Queues a record without blocking. A full queue (the local disk stalled) drops the record and counts it.
     *
     * @param record     the record; a {@link TrackingRecord.LogArtifact} or {@link TrackingRecord.LogModel} names
     *                   the caller's file, which the spooler copies
     * @param deleteFile whether that file is a temporary one to delete once copied
     */
    void offer(TrackingRecord record, boolean deleteFile) {
        if (!queue.offer(new Outgoing(record, deleteFile)) && dropped.incrementAndGet() == 1) {
            LOG.log(Level.ERROR, "The MLflow tracking queue is full (is the disk of {0} stalled?); records are"
                    + " being dropped", spool.directory());
        }
    }

    /**
     * The run as the server created it.
     *
     * @return the run, empty before its creation was delivered
     */
    Optional<RunInfo> run() {
        return Optional.ofNullable(lastState.run());
    }

    /**
     * Queues the final status and waits, at most {@code timeout}, until everything was delivered; after the timeout
     * the sender stops and the rest stays spooled.
     *
     * @param status  the final status record
     * @param timeout the longest wait
     * @return the outcome
     */
    TrackingOutcome finish(TrackingRecord.SetStatus status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        finishing.countDown();
        boolean queued;
        try {
            queued = queue.offer(new Outgoing(status, false), timeout.toMillis(), TimeUnit.MILLISECONDS)
                    && senderDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        sender.interrupt();
        try {
            spooler.join(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            sender.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spooler.interrupt();
        return outcome(status.status(), queued && lastState.finished(), timeout);
    }

    private TrackingOutcome outcome(String status, boolean finished, Duration timeout) {
        String lost = dropped.get() == 0 ? "" : " " + dropped.get() + " records were dropped because the tracking"
                + " queue was full.";
        RunInfo run = lastState.run();
        String runText = run == null ? "The run" : "Run " + run.runId() + " (experiment " + run.experimentId() + ")";
        try {
            spool.unlock();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot unlock the MLflow spool {0}: {1}", spool.directory(), e.getMessage());
        }
        if (finished && lastState.rejected() == 0) {
            try {
                spool.delete();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot delete the delivered MLflow spool {0}: {1}", spool.directory(),
                        e.getMessage());
            }
            return new TrackingOutcome(true, runText + " is " + status + " on " + server + "." + lost,
                    spool.directory(), run);
        }
        if (finished) {
            Path kept = spool.directory();
            try {
                kept = spool.retire();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot move the MLflow spool {0} out of the pending runs: {1}",
                        spool.directory(), e.getMessage());
            }
            return new TrackingOutcome(true, runText + " is " + status + " on " + server + ", but the server"
                    + " rejected " + lastState.rejected() + " records; they are kept with the reasons in "
                    + kept.resolve("rejected.jsonl") + "." + lost, kept, run);
        }
        String cause = problem == null ? "delivery did not complete within " + timeout : problem;
        return new TrackingOutcome(false, runText + " is not fully delivered to " + server + ": " + cause
                + ". Its records are kept in " + spool.directory() + "; deliver them with `./dml4j sync` once the"
                + " server is reachable (and the credentials are right)." + lost, spool.directory(), run);
    }

    private void spoolLoop() {
        while (true) {
            Outgoing next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                spool.append(materialize(next));
            } catch (IOException | UncheckedIOException e) {
                problem = "cannot write the spool " + spool.directory() + ": " + e.getMessage();
                LOG.log(Level.ERROR, "Dropped an MLflow record: " + problem);
            }
            spooled.release();
            if (next.record() instanceof TrackingRecord.SetStatus) {
                return;
            }
        }
    }

    private TrackingRecord materialize(Outgoing outgoing) throws IOException {
        TrackingRecord record = outgoing.record();
        if (record instanceof TrackingRecord.LogArtifact artifact) {
            record = new TrackingRecord.LogArtifact(artifact.artifactPath(), store(artifact.file(), outgoing));
        } else if (record instanceof TrackingRecord.LogModel model) {
            record = new TrackingRecord.LogModel(model.artifactPath(), store(model.file(), outgoing),
                    model.fileName(), model.flavor(), model.createdUtc(), model.modelUuid());
        } else if (record instanceof TrackingRecord.LogLoggedModel model) {
            Map<String, String> stored = new LinkedHashMap<>();
            for (Map.Entry<String, String> file : model.files().entrySet()) {
                stored.put(file.getKey(), store(file.getValue(), outgoing));
            }
            record = new TrackingRecord.LogLoggedModel(model.name(), model.clientModelId(), stored, model.content(),
                    model.step(), model.metrics(), model.registeredName(), model.alias());
        }
        return record;
    }

    private String store(String file, Outgoing outgoing) throws IOException {
        Path source = Path.of(file);
        String stored = spool.storeFile(source);
        if (outgoing.deleteFile()) {
            Files.deleteIfExists(source);
        }
        return stored;
    }

    private void sendLoop() {
        Duration backoff = FIRST_BACKOFF;
        boolean offline = false;
        long lastDelivery = System.nanoTime() - DELIVERY_INTERVAL.toNanos();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                spooled.tryAcquire(200, TimeUnit.MILLISECONDS);
                long wait = lastDelivery + DELIVERY_INTERVAL.toNanos() - System.nanoTime();
                if (wait > 0) {
                    finishing.await(wait, TimeUnit.NANOSECONDS);
                }
                spooled.drainPermits();
                lastDelivery = System.nanoTime();
                try {
                    lastState = delivery.deliverPending();
                    if (offline) {
                        LOG.log(Level.INFO, "MLflow server {0} answers again; the spooled records were delivered",
                                server);
                        offline = false;
                        backoff = FIRST_BACKOFF;
                        problem = null;
                    }
                    if (lastState.finished()) {
                        return;
                    }
                } catch (MlflowException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // finish() stopped the sender mid-call: the last real problem stays the reason
                    }
                    problem = e.getMessage();
                    if (e.kind() == FailureKind.AUTHENTICATION) {
                        LOG.log(Level.ERROR, problem + ". Records stay in " + spool.directory());
                        return;
                    }
                    if (!offline) {
                        LOG.log(Level.WARNING, problem + ". Training goes on; records are spooled in "
                                + spool.directory() + " and sent when the server answers");
                        offline = true;
                    }
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                } catch (IOException | RuntimeException e) {
                    problem = "cannot deliver the spool " + spool.directory() + ": " + e;
                    LOG.log(Level.ERROR, problem);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            senderDone.countDown();
        }
    }

    /**
     * A queued record.
     *
     * @param record     the record
     * @param deleteFile whether its file is temporary
     */
    private record Outgoing(TrackingRecord record, boolean deleteFile) {
    }
}
