package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.CosineSimilarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losses, distances and reducers are configured from OLCUT files and describe themselves in their provenance. */
class LossConfigurationTest {

    @Test
    void configuredFromXmlWithNestedParts(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("loss.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="loss" type="org.dml4j.loss.TripletMarginLoss">
                    <property name="margin" value="0.3"/>
                    <property name="distance" value="cosine"/>
                    <property name="reducer" value="mean"/>
                  </component>
                  <component name="cosine" type="org.dml4j.distance.CosineSimilarity"/>
                  <component name="mean" type="org.dml4j.reduce.MeanReducer"/>
                  <component name="proxy" type="org.dml4j.loss.ProxyAnchorLoss">
                    <property name="numClasses" value="10"/>
                    <property name="embeddingSize" value="64"/>
                  </component>
                  <component name="xbm" type="org.dml4j.loss.CrossBatchMemoryLoss">
                    <property name="loss" value="loss"/>
                    <property name="miner" value="miner"/>
                    <property name="memorySize" value="512"/>
                  </component>
                  <component name="miner" type="org.dml4j.mining.BatchHardMiner"/>
                  <component name="broken" type="org.dml4j.loss.NTXentLoss">
                    <property name="temperature" value="-1"/>
                  </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        TripletMarginLoss loss = (TripletMarginLoss) cm.lookup("loss");
        assertInstanceOf(CosineSimilarity.class, loss.distance());
        String provenance = ProvenanceUtil.formattedProvenanceString(loss.getProvenance());
        assertTrue(provenance.contains("margin = 0.3"), provenance);
        assertTrue(provenance.contains("CosineSimilarity"), provenance);
        ProxyAnchorLoss proxy = (ProxyAnchorLoss) cm.lookup("proxy");
        assertEquals(10, proxy.classVectors().rows());
        CrossBatchMemoryLoss xbm = (CrossBatchMemoryLoss) cm.lookup("xbm");
        assertEquals(512, xbm.memory().capacity());
        String xbmProvenance = ProvenanceUtil.formattedProvenanceString(xbm.getProvenance());
        assertTrue(xbmProvenance.contains("memorySize = 512") && xbmProvenance.contains("BatchHardMiner")
                && xbmProvenance.contains("margin = 0.3"), xbmProvenance);
        RuntimeException error = assertThrows(RuntimeException.class, () -> cm.lookup("broken"));
        assertTrue(error.getMessage().contains("temperature must be > 0"), error.getMessage());
    }
}
