package org.dml4j.regularize;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.dml4j.distance.BatchedDistance;
import org.dml4j.loss.ArcFaceLoss;
import org.dml4j.mining.BatchEasyHardMiner;
import org.dml4j.mining.UniformHistogramMiner;
import org.dml4j.reduce.ClassWeightedReducer;
import org.dml4j.reduce.MultipleReducers;
import org.dml4j.reduce.SumReducer;
import org.dml4j.sampling.HierarchicalSampler;
import org.dml4j.sampling.TuplesToWeightsSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The components added for PML parity are configured from OLCUT files and describe themselves in provenance. */
class PmlPartsConfigurationTest {

    @Test
    void configuredFromXml(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("parts.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="loss" type="org.dml4j.regularize.RegularizedLoss">
                    <property name="loss" value="arcface"/>
                    <property name="embeddingRegularizer" value="lp"/>
                    <property name="embeddingRegWeight" value="0.25"/>
                    <property name="weightRegularizer" value="face"/>
                  </component>
                  <component name="arcface" type="org.dml4j.loss.ArcFaceLoss">
                    <property name="numClasses" value="5"/>
                    <property name="embeddingSize" value="8"/>
                  </component>
                  <component name="lp" type="org.dml4j.regularize.LpRegularizer">
                    <property name="power" value="2"/>
                    <property name="reducer" value="weighted"/>
                  </component>
                  <component name="face" type="org.dml4j.regularize.RegularFaceRegularizer"/>
                  <component name="weighted" type="org.dml4j.reduce.ClassWeightedReducer">
                    <propertylist name="weights"><item>1.0</item><item>0.5</item></propertylist>
                  </component>
                  <component name="multiple" type="org.dml4j.reduce.MultipleReducers">
                    <propertylist name="subLosses"><item>pos_loss</item></propertylist>
                    <propertylist name="reducers"><item>sum</item></propertylist>
                  </component>
                  <component name="sum" type="org.dml4j.reduce.SumReducer"/>
                  <component name="miner" type="org.dml4j.mining.BatchEasyHardMiner">
                    <property name="posStrategy" value="HARD"/>
                    <property name="negStrategy" value="EASY"/>
                  </component>
                  <component name="histogram" type="org.dml4j.mining.UniformHistogramMiner">
                    <property name="numBins" value="20"/>
                  </component>
                  <component name="sampler" type="org.dml4j.sampling.HierarchicalSampler">
                    <propertylist name="superLabels"><item>0</item><item>1</item></propertylist>
                    <property name="samplesPerClass" value="2"/>
                  </component>
                  <component name="weights" type="org.dml4j.sampling.TuplesToWeightsSampler">
                    <property name="miner" value="miner"/>
                  </component>
                  <component name="batched" type="org.dml4j.distance.BatchedDistance">
                    <property name="distance" value="cosine"/>
                    <property name="batchSize" value="16"/>
                  </component>
                  <component name="cosine" type="org.dml4j.distance.CosineSimilarity"/>
                  <component name="badMiner" type="org.dml4j.mining.BatchEasyHardMiner">
                    <property name="posStrategy" value="SEMIHARD"/>
                    <property name="negStrategy" value="SEMIHARD"/>
                  </component>
                  <component name="badLoss" type="org.dml4j.regularize.RegularizedLoss">
                    <property name="loss" value="plain"/>
                    <property name="weightRegularizer" value="face"/>
                  </component>
                  <component name="plain" type="org.dml4j.loss.TripletMarginLoss"/>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        RegularizedLoss loss = (RegularizedLoss) cm.lookup("loss");
        assertInstanceOf(ArcFaceLoss.class, loss.loss());
        String provenance = ProvenanceUtil.formattedProvenanceString(loss.getProvenance());
        assertTrue(provenance.contains("embeddingRegWeight = 0.25") && provenance.contains("RegularFaceRegularizer")
                && provenance.contains("ClassWeightedReducer") && provenance.contains("power = 2"), provenance);
        LpRegularizer lp = (LpRegularizer) cm.lookup("lp");
        assertArrayEquals(new double[]{1.0, 0.5}, ((ClassWeightedReducer) lp.reducer()).weights());
        assertInstanceOf(SumReducer.class, ((MultipleReducers) cm.lookup("multiple")).reducerFor("pos_loss"));
        assertTrue(cm.lookup("miner").toString().contains("posStrategy=HARD"));
        assertTrue(cm.lookup("histogram").toString().contains("numBins=20"));
        assertTrue(cm.lookup("sampler").toString().contains("samplesPerClass=2"));
        assertTrue(ProvenanceUtil.formattedProvenanceString(((TuplesToWeightsSampler) cm.lookup("weights"))
                .getProvenance()).contains("BatchEasyHardMiner"));
        assertTrue(((BatchedDistance) cm.lookup("batched")).toString().contains("batchSize=16"));
        RuntimeException semihard = assertThrows(RuntimeException.class, () -> cm.lookup("badMiner"));
        assertTrue(semihard.getMessage().contains("cannot both be SEMIHARD"), semihard.getMessage());
        RuntimeException noClassVectors = assertThrows(RuntimeException.class, () -> cm.lookup("badLoss"));
        assertTrue(noClassVectors.getMessage().contains("class vectors"), noClassVectors.getMessage());
        assertEquals(HierarchicalSampler.class, cm.lookup("sampler").getClass());
        assertEquals(BatchEasyHardMiner.class, cm.lookup("miner").getClass());
        assertEquals(UniformHistogramMiner.class, cm.lookup("histogram").getClass());
    }
}
