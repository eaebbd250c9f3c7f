package org.dml4j.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Calls every listener in turn; a listener that throws is logged and skipped, never stopping training. Trainers
 * hold one for the listeners attached to them (public for the trainers of other packages, e.g. the cross-modal one).
 */
public final class ListenerGroup {

    private static final Logger logger = Logger.getLogger(ListenerGroup.class.getName());

    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();

    /** Creates a group without listeners. */
    public ListenerGroup() {
    }

    /** @param listener a listener to call from now on */
    public void add(TrainingListener listener) {
        listeners.add(listener);
    }

    /** @param listener a listener to call no more */
    public void remove(TrainingListener listener) {
        listeners.remove(listener);
    }

    /** @return whether a listener requests a stop; one that throws is logged and counts as not requesting */
    public boolean stopRequested() {
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

    /** @param call what to do with each listener, in the order they were added */
    public void each(Consumer<TrainingListener> call) {
        for (TrainingListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                logger.log(Level.WARNING, "training listener " + listener + " failed; training goes on", e);
            }
        }
    }
}
