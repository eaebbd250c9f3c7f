package org.dml4j.experiments.progress;

import java.io.PrintWriter;

/**
 * A line of progress for a person: on a terminal redrawn in place ({@code \r}, padded over what a longer earlier
 * text left), elsewhere (a file, a pipe) printed as whole lines only.
 */
public final class StatusLine {

    /** The cells of a progress bar. */
    static final int BAR_WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private int drawnLength;

    /**
     * @param out      where to print
     * @param terminal whether {@code out} is a terminal that can redraw a line
     */
    public StatusLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** @return whether the line is redrawn in place */
    public boolean terminal() {
        return terminal;
    }

    /**
     * Overwrites the current line with {@code text} (call only on a terminal).
     *
     * @param text the new text
     */
    public void redraw(String text) {
        out.print('\r' + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        drawnLength = text.length();
        out.flush();
    }

    /**
     * Prints a finished line: on a terminal over the line being redrawn, then a line break.
     *
     * @param text the line
     */
    public void println(String text) {
        if (terminal) {
            redraw(text);
            out.println();
            drawnLength = 0;
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Ends a line being redrawn, if any, so that what follows starts on a line of its own. */
    void endLine() {
        if (terminal && drawnLength > 0) {
            out.println();
            out.flush();
            drawnLength = 0;
        }
    }

    /**
     * A bar of {@value #BAR_WIDTH} cells with {@code done} of {@code total} filled, then the count:
     * {@code [###.....] 3/8}.
     *
     * @param done  the steps done
     * @param total the steps in all, positive
     * @return the text
     */
    public static String bar(int done, int total) {
        int filled = Math.min(BAR_WIDTH, (int) ((long) done * BAR_WIDTH / total));
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + '/' + total;
    }
}
