package org.dml4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** OLCUT configuration files of a trainer with a small MLP ({@code mlp}) and a loss ({@code loss}), for tests. */
final class TrainerConfigs {

    private TrainerConfigs() {
    }

    /**
     * Writes a configuration whose component {@code trainer} uses the MLP, the loss and an {@code MPerClassSampler}.
     *
     * @param file       the file
     * @param lossType   the loss class
     * @param epochs     the trainer's epochs
     * @param batchSize  the trainer's batch size
     * @param m          the sampler's examples per class
     * @param components further components
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path withSampler(Path file, String lossType, int epochs, int batchSize, int m, String components)
            throws IOException {
        return write(file, lossType, """
                    <property name="epochs" value="%d"/>
                    <property name="batchSize" value="%d"/>
                    <property name="sampler" value="sampler"/>
                """.formatted(epochs, batchSize), """
                  <component name="sampler" type="org.dml4j.sampling.MPerClassSampler">
                    <property name="m" value="%d"/>
                  </component>
                """.formatted(m) + components);
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
