package org.dml4j.mlflow;

import java.util.List;

/**
 * What a {@link SpoolReplayer#syncAll()} delivered.
 *
 * @param runsCompleted the runs delivered completely (their spools were removed)
 * @param runsPending   the runs still spooled (server unreachable, credentials refused, unreadable, or in use)
 * @param runsRejected  the runs delivered as far as the server allowed, with records it rejected (moved to the
 *                      spool root's {@code rejected/} folder)
 * @param messages      one line per run that needs attention, saying why and what to do
 */
public record SyncReport(int runsCompleted, int runsPending, int runsRejected, List<String> messages) {
}
