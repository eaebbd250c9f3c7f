package org.dml4j.experiments.progress;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalProgressTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock the test moves. */
    private long now;

    /** Ten block walks a second apart, then the total grows to 14 (the full-ranking pass) and those four run. */
    private String run(boolean terminal) {
        StringWriter text = new StringWriter();
        EvalProgress progress = new EvalProgress(new PrintWriter(text), terminal, () -> now);
        for (int done = 1; done <= 14; done++) {
            now += SECOND;
            progress.blocksDone(done, done <= 10 ? 10 : 14);
        }
        progress.finish();
        return text.toString();
    }

    @Test
    void printsATenthAtATimeWhenNotATerminal() {
        String text = run(false);
        assertFalse(text.contains("\r"), text);
        assertTrue(text.startsWith("evaluating: 1/10 blocks (10%)  eta 9s" + System.lineSeparator()), text);
        assertTrue(text.contains("evaluating: 5/10 blocks (50%)  eta 5s"), text);
        assertTrue(text.contains("evaluating: 10/10 blocks (100%)" + System.lineSeparator()), text);
        // 10 lines for the first 10 walks; then 10 of 14 is 7 tenths, and walks 12, 13 and 14 each pass one more
        assertEquals(13, text.lines().count(), text);
        assertTrue(text.contains("evaluating: 12/14 blocks (85%)  eta 2s"), text);
        assertTrue(text.endsWith("evaluating: 14/14 blocks (100%)" + System.lineSeparator()), text);
    }

    @Test
    void redrawsABarOnATerminal() {
        String text = run(true);
        assertTrue(text.startsWith("\revaluating [##..................] 1/10 blocks  eta 9s"), text);
        assertTrue(text.contains("\revaluating [####################] 10/10 blocks"), text);
        assertTrue(text.contains("\revaluating [###############.....] 11/14 blocks  eta 3s"), text);
        // the last text is 8 characters shorter than the one before, then the line ends
        assertTrue(text.endsWith("\revaluating [####################] 14/14 blocks" + " ".repeat(8)
                + System.lineSeparator()), text);
    }
}
