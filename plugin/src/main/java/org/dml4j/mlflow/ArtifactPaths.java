package org.dml4j.mlflow;

/**
 * Validates artifact paths so that nothing written through the tracker can leave the run's artifact root, and makes
 * them names MLflow's server keeps: it refuses any path with a {@code #} ("Invalid path", HTTP 400) and decodes
 * {@code %XX} sequences in it (repeatedly), so both characters become {@code _}. Other characters (spaces,
 * {@code ?}, non-ASCII) are kept and percent-encoded on the wire.
 */
public final class ArtifactPaths {

    private ArtifactPaths() {
    }

    /**
     * Normalizes an artifact path: backslashes become {@code /}, empty and {@code .} segments are dropped.
     *
     * @param path the path relative to the run's artifact root, e.g. {@code eval/queries.csv}
     * @return the normalized path (empty for the root itself), each segment {@link #fileName made safe}
     * @throws IllegalArgumentException when the path is absolute, has a {@code ..} segment, a drive letter or a
     *                                  control character
     */
    public static String normalize(String path) {
        String unified = path.replace('\\', '/');
        if (unified.startsWith("/") || unified.matches("^[A-Za-z]:.*") || unified.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("Artifact path '" + path + "' must be relative to the run's"
                    + " artifact root (e.g. 'model/model.tribuo'), without a leading '/', drive or control character");
        }
        StringBuilder normalized = new StringBuilder(unified.length());
        for (String segment : unified.split("/")) {
            if (segment.isEmpty() || ".".equals(segment)) {
                continue;
            }
            if ("..".equals(segment)) {
                throw new IllegalArgumentException("Artifact path '" + path + "' has a '..' segment and could"
                        + " leave the run's artifact root; name a path below it");
            }
            if (!normalized.isEmpty()) {
                normalized.append('/');
            }
            normalized.append(fileName(segment));
        }
        return normalized.toString();
    }

    /**
     * A file name as MLflow's server keeps it: {@code #} and {@code %} become {@code _}.
     *
     * @param name a file name, e.g. {@code model#2.dml4j}
     * @return the name to store, e.g. {@code model_2.dml4j}
     */
    public static String fileName(String name) {
        return name.replace('#', '_').replace('%', '_');
    }
}
