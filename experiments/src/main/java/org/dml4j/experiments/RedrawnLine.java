package org.dml4j.experiments;

import java.io.PrintWriter;

/** A terminal line redrawn in place ({@code \r}): the progress bars of {@code train} and {@code sweep}. */
final class RedrawnLine {

    private static final int BAR_WIDTH = 20;

    private final PrintWriter out;
    private int drawnLength;

    /**
     * @param out a terminal
     */
    RedrawnLine(PrintWriter out) {
        this.out = out;
    }

    /**
     * A bar such as {@code [#####...............] 5/20}.
     *
     * @param done  the units done
     * @param total the units in all, above 0
     * @return the bar
     */
    static String bar(int done, int total) {
        int filled = Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total;
    }

    /**
     * Overwrites the line, padding over what a longer earlier text left.
     *
     * @param text the new text
     */
    void redraw(String text) {
        out.print('\r' + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        drawnLength = text.length();
        out.flush();
    }

    /**
     * Overwrites the line with a text that stays, and starts a new line below it.
     *
     * @param text the lasting text
     */
    void settle(String text) {
        redraw(text);
        out.println();
        out.flush();
        drawnLength = 0;
    }
}
