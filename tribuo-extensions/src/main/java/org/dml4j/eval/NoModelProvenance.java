package org.dml4j.eval;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.provenance.ModelProvenance;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stand-in model provenance for evaluations of embeddings that did not come from a Tribuo model; it says so
 * and records when the evaluation ran. It has no dataset or trainer provenance.
 */
public final class NoModelProvenance extends ModelProvenance {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the stand-in, stamped with the current time.
     */
    public NoModelProvenance() {
        super(NoModelProvenance.class.getName(), OffsetDateTime.now(), null, null);
    }

    @Override
    protected List<Pair<String, Provenance>> internalProvenances() {
        List<Pair<String, Provenance>> list = new ArrayList<>();
        list.add(new Pair<>(CLASS_NAME, new StringProvenance(CLASS_NAME, className)));
        list.add(new Pair<>("description",
                new StringProvenance("description", "embeddings evaluated without a Tribuo model")));
        list.add(new Pair<>("creation-time", new StringProvenance("creation-time", time.toString())));
        list.add(new Pair<>(TRIBUO_VERSION_STRING, new StringProvenance(TRIBUO_VERSION_STRING, versionString)));
        return list;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoModelProvenance && time.equals(((NoModelProvenance) o).time);
    }

    @Override
    public int hashCode() {
        return Objects.hash(className, time);
    }
}
