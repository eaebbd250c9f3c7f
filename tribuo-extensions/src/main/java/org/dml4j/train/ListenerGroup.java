package org.dml4j.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Calls every listener in turn; a listener that throws is logged and skipped, never stopping training. */
final class ListenerGroup {

    private static final Logger logger = Logger.getLogger(ListenerGroup.class.getName());

    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();

    void add(TrainingListener listener) {
        listeners.add(listener);
    }

    void remove(TrainingListener listener) {
        listeners.remove(listener);
    }

    /** @return whether a listener requests a stop; one that throws is logged and counts as not requesting */
    boolean stopRequested() {
        boolean stop = false;
        for (TrainingListener listener : listeners) {
            try {
                stop |= listener.stopRequested();
            } catch (RuntimeException e) {
                logger.log(Level.WARNING, "training listener " + listener + " failed; training goes on", e);
            }
        }
        return stop;
    }

    void each(Consumer<TrainingListener> call) {
        for (TrainingListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                logger.log(Level.WARNING, "training listener " + listener + " failed; training goes on", e);
            }
        }
    }
}
