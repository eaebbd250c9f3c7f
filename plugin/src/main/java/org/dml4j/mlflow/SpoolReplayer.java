package org.dml4j.mlflow;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers the runs left in a spool root (the {@code ./dml4j sync} command): for each spool, oldest first, every
 * record in order, exactly as the tracker would have. A spool whose tracker is still running (its lock is held) is
 * left alone; a spool whose process ended without a final status gets {@code KILLED}. A spool with records the
 * server rejected (or malformed lines) is moved to {@code <root>/rejected/}, so it is reported once and not pending
 * forever; a spool that cannot be read is reported and left, and the others go on. Stops at the first unreachable
 * server or refused credentials, keeping what is left.
 */
public final class SpoolReplayer {

    private static final System.Logger LOG = System.getLogger(SpoolReplayer.class.getName());

    private final MlflowRestClient client;
    private final Path spoolRoot;

    /**
     * Creates a replayer.
     *
     * @param client    the server to deliver to
     * @param spoolRoot the spool root (the trackers' {@link TrackerOptions#spoolRoot()})
     */
    public SpoolReplayer(MlflowRestClient client, Path spoolRoot) {
        this.client = client;
        this.spoolRoot = spoolRoot;
    }

    /**
     * Delivers every spooled run.
     *
     * @return what was delivered, what the server rejected and what is left
     * @throws IOException when the spool root cannot be read
     */
    public SyncReport syncAll() throws IOException {
        List<Spool> spools = Spool.under(spoolRoot);
        List<String> messages = new ArrayList<>();
        int completed = 0;
        int rejected = 0;
        for (int i = 0; i < spools.size(); i++) {
            Spool spool = spools.get(i);
            if (!spool.lock()) {
                messages.add(spool.directory() + ": in use by a running tracker, left alone");
                continue;
            }
            try {
                if (sync(spool, messages)) {
                    completed++;
                } else {
                    rejected++;
                }
            } catch (MlflowException e) {
                messages.add(spool.directory() + ": " + e.getMessage());
                if (e.kind() != FailureKind.REJECTED) {
                    messages.add((spools.size() - i - 1) + " more spooled runs not tried; run sync again later");
                    return new SyncReport(completed, spools.size() - completed - rejected, rejected, messages);
                }
            } catch (IOException | RuntimeException e) {
                messages.add(spool.directory() + ": cannot be delivered, left as it is (" + e + ")");
            } finally {
                spool.unlock();
            }
        }
        return new SyncReport(completed, spools.size() - completed - rejected, rejected, messages);
    }

    /** Delivers one spool: true when it went through completely, false when it was retired with rejections. */
    private boolean sync(Spool spool, List<String> messages) throws IOException {
        SpoolState state = spool.state();
        if (!state.finished()) {
            state = new RunDelivery(client, spool).deliverPending();
            if (!state.finished()) {
                LOG.log(Level.INFO, "{0} has no final status (its process ended early); marking the run KILLED",
                        spool.directory());
                spool.append(new TrackingRecord.SetStatus("KILLED",
                        Files.getLastModifiedTime(spool.directory().resolve(Spool.RECORDS)).toMillis()));
                state = new RunDelivery(client, spool).deliverPending();
            }
        }
        spool.unlock();
        if (state.rejected() > 0 || !state.finished()) {
            // Everything was tried: what is left the server refused, and retrying cannot change that.
            Path kept = spool.retire();
            messages.add(spool.directory() + ": delivered as far as the server allowed, but it rejected "
                    + state.rejected() + " records" + (state.finished() ? "" : " (the run itself among them)")
                    + "; moved out of the pending runs to " + kept + ", see rejected.jsonl there for the reasons");
            return false;
        }
        spool.delete();
        return true;
    }
}
