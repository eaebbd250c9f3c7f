package org.dml4j.mlflow;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MLflow server versions the plugin supports: the MLflow 3 releases from {@link #OLDEST_SUPPORTED} to
 * {@link #NEWEST_TESTED}, each tested by {@code scripts/mlflow-compat.sh} (the oldest, a middle one) or the main suite
 * (the pinned newest). A run on a server outside that range is still tracked, with a one-line warning that says so.
 */
public final class ServerVersions {

    /** The oldest MLflow server release the plugin is tested against. */
    public static final String OLDEST_SUPPORTED = "3.1.0";

    /** The newest MLflow server release the plugin is tested against (the pinned server of the tests). */
    public static final String NEWEST_TESTED = "3.17.2";

    /** {@code major.minor.patch}, optionally followed by a pre-release or dev suffix. */
    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})([.+\\-a-zA-Z0-9]{0,32})");

    private ServerVersions() {
    }

    /**
     * The version a server reported, if it is a well-formed release number (a server's answer is untrusted input:
     * anything else is treated as unknown rather than logged).
     *
     * @param reported the body of {@code GET /version}
     * @return the version, e.g. {@code 3.10.1}
     */
    public static Optional<String> parse(String reported) {
        String text = reported == null ? "" : reported.strip();
        return VERSION.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    /**
     * The warning for a server outside the supported range, or none.
     *
     * @param version a well-formed version ({@link #parse})
     * @param uri     the tracking URI, without credentials, for the message
     * @return the one-line warning
     */
    public static Optional<String> warning(String version, String uri) {
        if (compare(version, OLDEST_SUPPORTED) < 0) {
            return Optional.of("The MLflow server at " + uri + " is version " + version + ", older than the oldest "
                    + "supported " + OLDEST_SUPPORTED + ": runs are tracked, but MLflow 3 features (logged models, "
                    + "dataset inputs) may be refused; upgrade the server to MLflow " + OLDEST_SUPPORTED + " or later");
        }
        if (compare(version, NEWEST_TESTED) > 0 && major(version) > major(NEWEST_TESTED)) {
            return Optional.of("The MLflow server at " + uri + " is version " + version + ", a newer major release "
                    + "than DML4J was tested with (" + OLDEST_SUPPORTED + " to " + NEWEST_TESTED + ")");
        }
        return Optional.empty();
    }

    /**
     * Orders two well-formed versions by major, minor and patch number (suffixes ignored).
     *
     * @param a a version
     * @param b another
     * @return negative, zero or positive as {@code a} is older, the same release or newer
     */
    static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    private static int major(String version) {
        return numbers(version)[0];
    }

    private static int[] numbers(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not an MLflow version: " + version);
        }
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }
}
