package org.dml4j.sampling;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Episodes and the episodic batch sampler: layout, counts, determinism, errors and configuration. */
class EpisodeSamplerTest {

    private static final int[] LABELS = SamplerAssertions.labels(9, 7, 12, 6, 8, 10);

    @Test
    void eachBatchIsOneEpisodeOfDistinctClassesAndExamples() {
        EpisodeSampler sampler = new EpisodeSampler(4, 2, 3, 0);
        List<int[]> batches = sampler.epoch(LABELS, 20, new SplittableRandom(1));
        assertEquals((LABELS.length + 19) / 20, batches.size(), "one pass's worth of episodes");
        Set<Integer> classesSeen = new HashSet<>();
        for (int[] batch : batches) {
            assertEquals(20, batch.length);
            Set<Integer> classes = new HashSet<>();
            Set<Integer> rows = new HashSet<>();
            for (int c = 0; c < 4; c++) {
                int label = LABELS[batch[c * 5]];
                assertTrue(classes.add(label), "a class appears once per episode");
                for (int k = 0; k < 5; k++) {
                    assertEquals(label, LABELS[batch[c * 5 + k]], "a class's rows are contiguous");
                    assertTrue(rows.add(batch[c * 5 + k]), "no example twice in an episode");
                }
            }
            classesSeen.addAll(classes);
        }
        assertEquals(6, new EpisodeSampler(4, 2, 3, 50).epoch(LABELS, 20, new SplittableRandom(1)).stream()
                .map(b -> LABELS[b[0]]).distinct().count(), "every class is drawn over many episodes");
        assertEquals(7, new EpisodeSampler(2, 1, 1, 7).epoch(LABELS, 4, new SplittableRandom(1)).size());
    }

    @Test
    void sameGeneratorSameEpisodes() {
        SamplerAssertions.assertDeterministic(new EpisodeSampler(3, 1, 4, 0), LABELS, 15);
    }

    @Test
    void clearErrors() {
        EpisodeSampler sampler = new EpisodeSampler(5, 1, 15, 0);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> sampler.epoch(LABELS, 64, new SplittableRandom(1)));
        assertTrue(size.getMessage().contains("= 80"), size.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> sampler.epoch(LABELS, 80, new SplittableRandom(1)));
        assertEquals("class id 0 has 9 examples, fewer than the 16 (shot + queries) an episode draws from each class:"
                + " lower the shot or the queries to at most 9 in all, or leave the class out", small.getMessage());
        IllegalArgumentException way = assertThrows(IllegalArgumentException.class,
                () -> new EpisodeSampler(7, 1, 1, 0).epoch(LABELS, 14, new SplittableRandom(1)));
        assertTrue(way.getMessage().contains("a 7-way episode needs 7 classes but the data has 6"),
                way.getMessage());
        assertThrows(PropertyException.class, () -> new EpisodeSampler(1, 1, 1, 0));
        assertThrows(PropertyException.class, () -> new EpisodeSampler(5, 0, 1, 0));
        assertThrows(PropertyException.class, () -> new EpisodeSampler(5, 1, 0, 0));
        assertThrows(PropertyException.class, () -> new EpisodeSampler(5, 1, 1, -1));
    }

    @Test
    void configuredFromXmlWithProvenance(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("sampler.xml");
        Files.writeString(config, """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="sampler" type="org.dml4j.sampling.EpisodeSampler">
                    <property name="way" value="3"/>
                    <property name="shot" value="5"/>
                    <property name="queries" value="2"/>
                  </component>
                  <component name="broken" type="org.dml4j.sampling.EpisodeSampler">
                    <property name="queries" value="0"/>
                  </component>
                </config>
                """);
        ConfigurationManager cm = new ConfigurationManager(config.toString());
        EpisodeSampler sampler = (EpisodeSampler) cm.lookup("sampler");
        assertEquals(21, sampler.episodeSize());
        String provenance = ProvenanceUtil.formattedProvenanceString(sampler.getProvenance());
        assertTrue(provenance.contains("shot = 5") && provenance.contains("way = 3"), provenance);
        assertThrows(PropertyException.class, () -> cm.lookup("broken"));
    }
}
