package org.dml4j.conformance;

/**
 * The outcome of one conformance case.
 *
 * @param id         the case id (for miner files: the file's case id and the miner's position)
 * @param passed     whether every check passed
 * @param worstError the worst error relative to its tolerance (≤ 1 passes); NaN when nothing numeric was compared
 * @param detail     what was compared, or why the case failed
 * @param malformed  whether it failed because its file cannot be read or does not follow the schema (a field is
 *                   missing, or an expected array's shape or count does not match the inputs)
 */
public record CaseResult(String id, boolean passed, double worstError, String detail, boolean malformed) {

    /**
     * A case that was checked.
     *
     * @param id         the case id
     * @param passed     whether every check passed
     * @param worstError the worst error relative to its tolerance
     * @param detail     what was compared
     */
    public CaseResult(String id, boolean passed, double worstError, String detail) {
        this(id, passed, worstError, detail, false);
    }

    /**
     * A failed case with no numeric comparison.
     *
     * @param id     the case id
     * @param reason why it failed
     * @return the result
     */
    public static CaseResult failure(String id, String reason) {
        return new CaseResult(id, false, Double.NaN, reason);
    }

    /**
     * A case whose file cannot be read or does not follow the schema.
     *
     * @param id     the case id, or the file name
     * @param reason what is wrong, naming the file and the field
     * @return the result
     */
    public static CaseResult malformed(String id, String reason) {
        return new CaseResult(id, false, Double.NaN, "malformed case: " + reason, true);
    }

    /** @return one line: id, pass or fail, worst error and the detail */
    public String toLine() {
        return String.format("%s %s worst=%s %s", id, passed ? "PASS" : "FAIL",
                Double.isNaN(worstError) ? "-" : String.format("%.3g", worstError), detail);
    }
}
