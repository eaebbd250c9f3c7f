package org.dml4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** OLCUT configuration files of a trainer with a small MLP ({@code mlp}) and a loss ({@code loss}), for tests. */
final class TrainerConfigs {

    private TrainerConfigs() {
    }

    /**
     * Writes a configuration whose component {@code trainer} uses the MLP and the loss.
     *
     * @param file              the file
     * @param lossType          the loss class
     * @param trainerProperties further properties of {@code trainer}
     * @param components        further components
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path write(Path file, String lossType, String trainerProperties, String components) throws IOException {
        return Files.writeString(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="trainer" type="org.dml4j.train.MetricLearningTrainer">
                    <property name="network" value="mlp"/>
                    <property name="loss" value="loss"/>
                %s
                  </component>
                  <component name="mlp" type="org.dml4j.nn.MlpSpec">
                    <propertylist name="hiddenSizes"><item>16</item></propertylist>
                    <property name="embeddingSize" value="8"/>
                  </component>
                  <component name="loss" type="%s"/>
                %s
                </config>
                """.formatted(trainerProperties, lossType, components));
    }
}
