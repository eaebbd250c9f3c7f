package org.dml4j.mlflow;

/** Validates artifact paths so that nothing written through the tracker can leave the run's artifact root. */
public final class ArtifactPaths {

    private ArtifactPaths() {
    }

    /**
     * Normalizes an artifact path: backslashes become {@code /}, empty and {@code .} segments are dropped.
     *
     * @param path the path relative to the run's artifact root, e.g. {@code eval/queries.csv}
     * @return the normalized path (empty for the root itself)
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
            normalized.append(segment);
        }
        return normalized.toString();
    }
}
