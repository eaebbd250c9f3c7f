package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AugmentationConfigTest {

    @Test
    void composeLoadsFromAnOlcutXmlFile(@TempDir Path dir) throws IOException {
        Path xml = dir.resolve("augment.xml");
        Files.writeString(xml, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="flip" type="org.dml4j.augment.RandomHorizontalFlip">
                    <property name="height" value="2"/>
                    <property name="width" value="3"/>
                    <property name="probability" value="1.0"/>
                  </component>
                  <component name="noise" type="org.dml4j.augment.GaussianNoise">
                    <property name="std" value="0.0"/>
                  </component>
                  <component name="augment" type="org.dml4j.augment.Compose">
                    <propertylist name="steps">
                      <item>flip</item>
                      <item>noise</item>
                    </propertylist>
                  </component>
                </config>
                """);
        Compose compose = (Compose) new ConfigurationManager(xml.toString()).lookup("augment");
        assertEquals("Compose([RandomHorizontalFlip(height=2, width=3, channels=1, probability=1.0), "
                + "GaussianNoise(std=0.0)])", compose.toString());
        INDArray image = Nd4j.create(new float[][]{{1, 2, 3, 4, 5, 6}});
        assertEquals(Nd4j.create(new float[][]{{3, 2, 1, 6, 5, 4}}), compose.apply(image, new SplittableRandom(0)));
    }
}
