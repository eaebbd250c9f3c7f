package org.dml4j.mlflow;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers one spool to the server in order, from where the last delivery stopped. Consecutive
 * {@link TrackingRecord.LogBatch}es are merged into as few {@code log-batch} calls as the limits allow. A record the
 * server rejects, and a spool line that is no record, is moved to {@code rejected.jsonl} (and the rest goes on); a
 * transient or authentication failure stops delivery with the record still pending, so nothing is lost and the
 * order holds. Every step is safe to repeat: the run is found again by its client run id, artifact uploads
 * overwrite, and metrics already stored are ignored by the server.
 */
final class RunDelivery {

    private static final System.Logger LOG = System.getLogger(RunDelivery.class.getName());
    private static final int READ_AHEAD = 5000;

    private final MlflowRestClient client;
    private final Spool spool;
    private final LoggedModelUpload loggedModels;
    private SpoolState state;

    /**
     * Prepares the delivery of a spool.
     *
     * @param client the server
     * @param spool  the spool
     * @throws IOException when the spool's state cannot be read
     */
    RunDelivery(MlflowRestClient client, Spool spool) throws IOException {
        this.client = client;
        this.spool = spool;
        this.loggedModels = new LoggedModelUpload(client, spool.directory());
        this.state = spool.state();
    }

    /**
     * Delivers every complete record spooled before the call; records appended while it runs go along only when
     * they are read with those, else with the next call.
     *
     * @return the state afterwards
     * @throws IOException     when the spool cannot be read or its state written
     * @throws MlflowException of kind {@link FailureKind#TRANSIENT} or {@link FailureKind#AUTHENTICATION}; the
     *                         failed record stays pending
     */
    SpoolState deliverPending() throws IOException {
        long end = spool.recordsEnd();
        List<Spool.Pending> pending = spool.pending(state.deliveredBytes(), READ_AHEAD);
        while (!pending.isEmpty()) {
            int next = 0;
            while (next < pending.size()) {
                Spool.Pending first = pending.get(next);
                if (first.malformed() != null) {
                    LOG.log(Level.WARNING, "Skipped {0}", first.malformed());
                    spool.rejectMalformed(first.malformed());
                    countRejected();
                    advance(first.endByte());
                    next++;
                } else if (first.record() instanceof TrackingRecord.LogBatch) {
                    next = deliverBatches(pending, next);
                } else {
                    deliverOrReject(first.record());
                    advance(first.endByte());
                    next++;
                }
                spool.saveState(state);
            }
            pending = state.deliveredBytes() < end ? spool.pending(state.deliveredBytes(), READ_AHEAD) : List.of();
        }
        return state;
    }

    private int deliverBatches(List<Spool.Pending> pending, int from) throws IOException {
        BatchPacker packer = new BatchPacker();
        int end = from;
        while (end < pending.size() && pending.get(end).record() instanceof TrackingRecord.LogBatch batch
                && packer.tryAdd(batch)) {
            end++;
        }
        try {
            deliver(packer.batch());
        } catch (MlflowException e) {
            if (e.kind() != FailureKind.REJECTED) {
                throw e;
            }
            for (Spool.Pending one : pending.subList(from, end)) {
                deliverOrReject(one.record());
            }
        }
        advance(pending.get(end - 1).endByte());
        return end;
    }

    private void deliverOrReject(TrackingRecord record) throws IOException {
        try {
            deliver(record);
        } catch (MlflowException | IllegalArgumentException e) {
            if (e instanceof MlflowException failure && failure.kind() != FailureKind.REJECTED) {
                throw failure;
            }
            LOG.log(Level.WARNING, "MLflow rejected a record; it is kept in {0}: {1}",
                    spool.directory().resolve("rejected.jsonl"), e.getMessage());
            spool.reject(record, e.getMessage());
            countRejected();
        }
    }

    private void countRejected() {
        state = new SpoolState(state.deliveredBytes(), state.run(), state.finished(), state.rejected() + 1);
    }

    private void deliver(TrackingRecord record) throws IOException {
        if (record instanceof TrackingRecord.CreateRun create) {
            state = new SpoolState(state.deliveredBytes(), createRun(create), false, state.rejected());
            return;
        }
        RunInfo run = state.run();
        if (run == null) {
            throw new MlflowException(FailureKind.REJECTED, 0, "", "The run of " + spool.directory()
                    + " was never created, so this record has no run to go to", null);
        }
        if (record instanceof TrackingRecord.LogBatch batch) {
            client.logBatch(run.runId(), batch.metrics(), batch.params(), batch.tags());
        } else if (record instanceof TrackingRecord.LogArtifact artifact) {
            client.uploadArtifact(run, artifact.artifactPath(), spool.directory().resolve(artifact.file()));
        } else if (record instanceof TrackingRecord.LogModel model) {
            logModel(run, model);
        } else if (record instanceof TrackingRecord.LogInputs inputs) {
            client.logInputs(run.runId(), inputs.inputs());
        } else if (record instanceof TrackingRecord.LogLoggedModel model) {
            if (!loggedModels.deliver(run, model) && model.registeredName() != null) {
                register(run, new TrackingRecord.RegisterModel(model.registeredName(), model.name(), model.alias()));
            }
        } else if (record instanceof TrackingRecord.RegisterModel registration) {
            register(run, registration);
        } else if (record instanceof TrackingRecord.SetStatus status) {
            client.updateRun(run.runId(), status.status(), status.endTime());
            state = new SpoolState(state.deliveredBytes(), run, true, state.rejected());
        }
    }

    private RunInfo createRun(TrackingRecord.CreateRun create) {
        String experimentId = client.experimentId(create.experimentName());
        String clientRunId = create.tags().get(MlflowKeys.CLIENT_RUN_ID_TAG);
        return client.findRunByTag(experimentId, MlflowKeys.CLIENT_RUN_ID_TAG, clientRunId).orElseGet(() -> {
            Map<String, String> tags = new LinkedHashMap<>(create.tags());
            if (create.parentClientRunId() != null) {
                RunInfo parent = client.findRunByTag(experimentId, MlflowKeys.CLIENT_RUN_ID_TAG,
                        create.parentClientRunId()).orElseThrow(() -> new MlflowException(FailureKind.TRANSIENT, 0,
                        "", "The parent run " + create.parentClientRunId() + " is not on the server yet", null));
                tags.put(MlflowKeys.PARENT_RUN_TAG, parent.runId());
            }
            serverVersion().ifPresent(version -> tags.put(MlflowKeys.SERVER_VERSION_TAG, version));
            return client.createRun(experimentId, create.runName(), create.startTime(), tags);
        });
    }

    /** The server's version, with a one-line warning when it is outside the supported range. */
    private Optional<String> serverVersion() {
        Optional<String> version = client.serverVersion().flatMap(ServerVersions::parse);
        version.flatMap(v -> ServerVersions.warning(v, client.connection().trackingUri().toString()))
                .ifPresent(warning -> LOG.log(Level.WARNING, warning));
        return version;
    }

    private void logModel(RunInfo run, TrackingRecord.LogModel model) throws IOException {
        client.uploadArtifact(run, model.artifactPath() + "/" + model.fileName(),
                spool.directory().resolve(model.file()));
        MlModelFile mlModel = new MlModelFile(model, run.runId());
        Path file = spool.directory().resolve("files").resolve("MLmodel-" + model.modelUuid());
        Files.writeString(file, mlModel.yaml(), StandardCharsets.UTF_8);
        client.uploadArtifact(run, model.artifactPath() + "/MLmodel", file);
        client.logModel(run.runId(), mlModel.json());
    }

    private void register(RunInfo run, TrackingRecord.RegisterModel registration) {
        String source = run.artifactUri() + "/" + registration.artifactPath();
        client.ensureRegisteredModel(registration.name());
        String version = client.findModelVersion(registration.name(), run.runId(), source)
                .orElseGet(() -> client.createModelVersion(registration.name(), source, run.runId()));
        if (registration.alias() != null) {
            client.setAlias(registration.name(), registration.alias(), version);
        }
        LOG.log(Level.INFO, "Registered model ''{0}'' version {1} from run {2}", registration.name(), version,
                run.runId());
    }

    private void advance(long endByte) {
        state = new SpoolState(endByte, state.run(), state.finished(), state.rejected());
    }
}
