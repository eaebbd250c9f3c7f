package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkSpecsTest {

    @Test
    void referenceMlp() {
        NetworkSpec spec = NetworkSpecs.parse("mlp:512,128");
        EmbeddingNetwork net = spec.build(784, 0, DataType.FLOAT);
        assertEquals("[Dense(784 -> 512), ReLU, Dense(512 -> 128), L2Normalize]", net.layers().toString());
        assertEquals(784 * 512 + 512 + 512 * 128 + 128, net.parameterCount());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(net.parameters().keySet()));
        assertEquals(DataType.FLOAT, net.parameters().get("0.weight").dataType());
        INDArray e = net.embed(Nd4j.rand(DataType.FLOAT, 3, 784));
        assertEquals(128, e.columns());
        assertEquals(1.0, e.norm2(1).getDouble(2), 1e-5);
    }

    @Test
    void pyTorchDefaultInitBounds() {
        EmbeddingNetwork net = NetworkSpecs.parse("mlp:512,128").build(784, 0, DataType.DOUBLE);
        for (String name : List.of("0.weight", "0.bias")) {
            INDArray p = net.parameters().get(name);
            double bound = 1 / Math.sqrt(784);
            assertTrue(p.amaxNumber().doubleValue() <= bound);
            assertEquals(bound, p.amaxNumber().doubleValue(), bound * 0.01, name + " fills its range");
            // U(-b, b) has variance b²/3.
            assertEquals(bound * bound / 3, p.varNumber().doubleValue(), bound * bound * 0.05, name + " variance");
        }
    }

    @Test
    void sameSeedSameNetworkAndCopiesAreIndependent() {
        NetworkSpec spec = NetworkSpecs.parse("mlp:16,8:dropout=0.2");
        EmbeddingNetwork a = spec.build(10, 5, DataType.FLOAT);
        assertEquals(a.parameters(), spec.build(10, 5, DataType.FLOAT).parameters());
        assertNotEquals(a.parameters(), spec.build(10, 6, DataType.FLOAT).parameters());
        EmbeddingNetwork copy = a.copy();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 10);
        assertEquals(a.forward(x, true), copy.forward(x, true), "the copy continues the dropout masks");
        a.parameters().get("0.weight").addi(1);
        assertNotEquals(a.parameters().get("0.weight"), copy.parameters().get("0.weight"));
    }

    @Test
    void mlpOptions() {
        NetworkSpec spec = NetworkSpecs.parse("mlp:8,4:activation=tanh,dropout=0.1,batch-norm=true,normalize=false");
        assertEquals("[Dense(5 -> 8), BatchNorm1d(8), Tanh, Dropout(p=0.1), Dense(8 -> 4)]",
                spec.build(5, 0, DataType.FLOAT).layers().toString());
        assertEquals("mlp:8,4:activation=tanh,dropout=0.1,batch-norm=true,normalize=false", spec.toString());
        assertEquals("[Dense(5 -> 4), L2Normalize]",
                NetworkSpecs.parse("mlp:4").build(5, 0, DataType.FLOAT).layers().toString());
    }

    @Test
    void cnnArchitecture() {
        NetworkSpec spec = NetworkSpecs.parse("cnn:32,64,128");
        assertInstanceOf(CnnSpec.class, spec);
        EmbeddingNetwork net = spec.build(784, 0, DataType.FLOAT);
        assertEquals("[Unflatten(1, 28, 28), Conv2d(1 -> 32, kernel=3, stride=1, padding=1), BatchNorm2d(32), ReLU, "
                + "MaxPool2d(kernel=2, stride=2), Conv2d(32 -> 64, kernel=3, stride=1, padding=1), BatchNorm2d(64), "
                + "ReLU, MaxPool2d(kernel=2, stride=2), Flatten, Dense(3136 -> 128), L2Normalize]",
                net.layers().toString());
        assertEquals(420_544, net.parameterCount());
        assertArrayEquals(new long[]{2, 128}, net.embed(Nd4j.rand(DataType.FLOAT, 2, 784)).shape());
        assertEquals("cnn:32,64,128", spec.toString());
        assertEquals("cnn:8,16:image=3x32x32,normalize=false",
                NetworkSpecs.parse("cnn:8,16:image=3x32x32,normalize=false").toString());
        assertThrows(IllegalArgumentException.class, () -> spec.build(100, 0, DataType.FLOAT));
    }

    @Test
    void resnetArchitecture() {
        NetworkSpec spec = NetworkSpecs.parse("resnet:16,32,64,128");
        assertInstanceOf(ResNetSpec.class, spec);
        EmbeddingNetwork net = spec.build(784, 0, DataType.FLOAT);
        assertEquals("[Unflatten(1, 28, 28), Conv2d(1 -> 16, kernel=3, stride=1, padding=1), BatchNorm2d(16), ReLU, "
                + "ResidualBlock(16 -> 16, stride=1), ResidualBlock(16 -> 32, stride=2), "
                + "ResidualBlock(32 -> 64, stride=2), GlobalAvgPool2d, Dense(64 -> 128), L2Normalize]",
                net.layers().toString());
        assertArrayEquals(new long[]{2, 128}, net.embed(Nd4j.rand(DataType.FLOAT, 2, 784)).shape());
        assertEquals("resnet:16,32,64,128", spec.toString());
        assertEquals("resnet:8,16,32:image=3x64x64,blocks=2,normalize=false",
                NetworkSpecs.parse("resnet:8,16,32:image=3x64x64,blocks=2,normalize=false").toString());
        assertTrue(net.parameters().containsKey("5.downsample.0.weight"));
    }

    @Test
    void convolutionMatchesTheDefinition() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1, new java.util.SplittableRandom(1), DataType.DOUBLE);
        INDArray x = GradientCheck.normal(2, 2, 2, 5, 5); // CNHW: 2 channels, 2 images
        INDArray y = conv.forward(x, false);
        INDArray w = conv.parameters().get("weight");
        INDArray b = conv.parameters().get("bias");
        for (int n = 0; n < 2; n++) {
            for (int o = 0; o < 3; o++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        double s = b.getDouble(o);
                        for (int c = 0; c < 2; c++) {
                            for (int di = 0; di < 3; di++) {
                                for (int dj = 0; dj < 3; dj++) {
                                    int r = i * 2 - 1 + di;
                                    int q = j * 2 - 1 + dj;
                                    if (r >= 0 && r < 5 && q >= 0 && q < 5) {
                                        s += w.getDouble(o, c, di, dj) * x.getDouble(c, n, r, q);
                                    }
                                }
                            }
                        }
                        assertEquals(s, y.getDouble(o, n, i, j), 1e-12);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp:", "mlp:512,x", "mlp:512,-1", "mlp:0", "rnn:5", "mlp:5:dropout=1.5",
            "mlp:5:dropout=abc", "mlp:5:activation=sigmoid", "mlp:5:colour=red", "mlp:5:batch-norm=yes",
            "mlp:5:dropout", "cnn:128", "cnn:8,16,4:image=28x28", "cnn:8,8,8,8,8,16", "mlp:5:x=1:y=2", "resnet:64",
            "resnet:8,16:blocks=0", "resnet:8,8,8,8,8,8,16"})
    void malformedSpecsNameTheSpecAndTheExpectedForm(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecs.parse(spec));
        assertTrue(e.getMessage().contains("'" + spec + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected mlp:H1,...,Hn,E"), e.getMessage());
    }

    @Test
    void invalidConfigurationNamesTheField() {
        PropertyException e = assertThrows(PropertyException.class, () -> new MlpSpec(new int[]{4}, 0));
        assertEquals("embeddingSize", e.getProperty());
    }

    @Test
    void configurationRoundTripsThroughProvenance() {
        for (NetworkSpec spec : List.of(NetworkSpecs.parse("mlp:8,4:activation=tanh,dropout=0.1,batch-norm=true"),
                NetworkSpecs.parse("cnn:8,16:image=3x32x32,normalize=false"))) {
            ConfigurationManager cm = new ConfigurationManager();
            cm.addConfiguration(ProvenanceUtil.extractConfiguration(spec.getProvenance()));
            String name = cm.getComponentNames().iterator().next();
            NetworkSpec rebuilt = (NetworkSpec) cm.lookup(name);
            assertEquals(spec.toString(), rebuilt.toString());
            assertEquals(spec.getProvenance(), rebuilt.getProvenance());
        }
    }
}
