package org.dml4j.experiments.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("gallery", "1000000");
        defaults.put("k", "10");
        return defaults;
    }

    @Test
    void givenValuesReplaceDefaultsAndTheRestStay() {
        Map<String, String> options = BenchOptions.parse(defaults(), new String[]{"--k", "16"});
        assertEquals(Map.of("gallery", "1000000", "k", "16"), options);
        assertEquals("10", defaults().get("k"));
    }

    @Test
    void unknownOptionsAndMissingValuesListTheAcceptedOptions() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(defaults(), new String[]{"--queries", "5"}));
        assertTrue(unknown.getMessage().contains("'--queries'")
                && unknown.getMessage().contains("--gallery VALUE --k VALUE"), unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(defaults(), new String[]{"--k"}));
        assertTrue(missing.getMessage().contains("missing value at '--k'"), missing.getMessage());
    }
}
