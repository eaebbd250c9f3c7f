package org.dml4j.mlflow;

import org.dml4j.data.StratifiedSplit;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.impl.ArrayExample;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The params a dataset's provenance becomes stay few however many rows it has. */
class ProvenanceParamsTest {

    @Test
    void aSplitsRowIndicesAreSummarisedBySizeAndDigestNotOneParamPerRow() {
        Map<String, String> small = ProvenanceParams.flatten(split(100).getProvenance(), "dataset");
        Map<String, String> large = ProvenanceParams.flatten(split(20_000).getProvenance(), "dataset");

        assertEquals(small.size(), large.size(), "params grow with the rows: " + large.keySet());
        assertTrue(large.size() < 60, large.size() + " params: " + large.keySet());
        String digestKey = large.keySet().stream().filter(k -> k.endsWith(".sha256")).findFirst()
                .orElseThrow(() -> new AssertionError("no summarised list: " + large));
        assertTrue(large.get(digestKey).matches("[0-9a-f]{64}"), large.toString());
        assertEquals("16000", large.get(digestKey.replaceAll("\\.sha256$", ".size")), large.toString());
        assertNotEquals(small.get(digestKey), large.get(digestKey));
    }

    /** The training part of a stratified 80/20 split of {@code rows} examples of 2 features and 4 classes. */
    private static org.tribuo.Dataset<Label> split(int rows) {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("rows", new LabelFactory()),
                new LabelFactory());
        for (int i = 0; i < rows; i++) {
            data.add(new ArrayExample<>(new Label("c" + i % 4), new String[]{"a", "b"}, new double[]{i, -i}));
        }
        return StratifiedSplit.of(data, 0.2, 1).train();
    }
}
