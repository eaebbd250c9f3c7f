package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The name a dataset input gets when its provenance holds no file or URL: from the source's description. */
class DatasetNameTest {

    @Test
    void anIdxSourceIsNamedAfterItsImageFile() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance(
                "IDX images /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz (sha256 ab12), labels "
                        + "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz (sha256 cd34)",
                new LabelFactory()), new LabelFactory());
        assertEquals("t10k-images-idx3-ubyte.gz", DatasetInput.of(data, DatasetInput.TEST).name());
    }

    @Test
    void aDescriptionWithoutAPathIsTheNameShortened() {
        assertEquals("synthetic blobs", DatasetInput.nameFrom("  synthetic blobs ", "DataSource"));
        assertEquals(80, DatasetInput.nameFrom("x".repeat(200), "DataSource").length());
        assertEquals("DataSource", DatasetInput.nameFrom(" ", "DataSource"));
    }
}
