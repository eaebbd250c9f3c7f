package org.dml4j.experiments.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --name VALUE} options of a benchmark main, over defaults that also name every accepted option.
 */
final class BenchOptions {

    private BenchOptions() {
    }

    /**
     * Reads {@code --name VALUE} pairs over the defaults.
     *
     * @param defaults every accepted option with its default value, in the order the usage lists them
     * @param args     the command line
     * @return the options, defaults replaced by the given values
     * @throws IllegalArgumentException on an unknown option or a missing value, listing the accepted options
     */
    static Map<String, String> parse(Map<String, String> defaults, String[] args) {
        Map<String, String> options = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!options.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value at '" + args[i]
                        + "'; options: --" + String.join(" VALUE --", options.keySet()) + " VALUE");
            }
            options.put(name, args[i + 1]);
        }
        return options;
    }
}
