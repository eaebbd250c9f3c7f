package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the plugin makes of the version a server reports, and which versions it warns about. */
class ServerVersionsTest {

    private static final String URI = "http://mlflow.example:5000";

    @Test
    void onlyWellFormedReleaseNumbersAreTaken() {
        assertEquals(Optional.of("3.17.2"), ServerVersions.parse("3.17.2\n"));
        assertEquals(Optional.of("3.0.0rc1"), ServerVersions.parse("3.0.0rc1"));
        assertEquals(Optional.empty(), ServerVersions.parse("3.17"));
        assertEquals(Optional.empty(), ServerVersions.parse("<html>Not found</html>"));
        assertEquals(Optional.empty(), ServerVersions.parse("3.17.2 ; rm -rf /"));
        assertEquals(Optional.empty(), ServerVersions.parse("3.1.4" + "x".repeat(40)));
        assertEquals(Optional.empty(), ServerVersions.parse(null));
    }

    @Test
    void serversOutsideTheTestedRangeGetOneWarning() {
        assertEquals(Optional.empty(), ServerVersions.warning("3.1.4", URI));
        assertEquals(Optional.empty(), ServerVersions.warning("3.10.1", URI));
        assertEquals(Optional.empty(), ServerVersions.warning(ServerVersions.NEWEST_TESTED, URI));
        assertEquals(Optional.empty(), ServerVersions.warning("3.18.0", URI), "a newer minor release is not warned");
        String old = ServerVersions.warning("2.22.1", URI).orElseThrow();
        assertTrue(old.contains("2.22.1") && old.contains(ServerVersions.OLDEST_SUPPORTED) && old.contains(URI)
                && !old.contains("\n"), old);
        String newer = ServerVersions.warning("4.0.0", URI).orElseThrow();
        assertTrue(newer.contains("4.0.0") && newer.contains(ServerVersions.NEWEST_TESTED), newer);
    }

    @Test
    void versionsOrderByNumberNotText() {
        assertTrue(ServerVersions.compare("3.10.1", "3.9.0") > 0);
        assertTrue(ServerVersions.compare("3.1.0", "3.1.4") < 0);
        assertEquals(0, ServerVersions.compare("3.0.0rc1", "3.0.0"));
    }
}
