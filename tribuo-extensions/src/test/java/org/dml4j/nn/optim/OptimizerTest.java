package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.nd.HostRanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each optimizer's first steps against PyTorch's update formulas, written out here per element in double.
 */
class OptimizerTest {

    private static final double[] P0 = {0.5, -1.0, 2.0};
    private static final double[][] G = {{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.0}, {0.2, 0.2, -0.1}};
    private static final double LR = 0.1;

    /** Steps a copy of P0 with the gradients G through an updater and returns the parameter after each step. */
    private static double[][] run(Optimizer optimizer, DataType type) {
        INDArray p = Nd4j.create(P0, new long[]{3}, DataType.DOUBLE).castTo(type);
        Updater updater = optimizer.newUpdater();
        double[][] out = new double[G.length][];
        for (int t = 0; t < G.length; t++) {
            INDArray g = Nd4j.create(G[t], new long[]{3}, DataType.DOUBLE).castTo(type);
            updater.step(Map.of("p", p), Map.of("p", g), LR);
            out[t] = p.toDoubleVector();
        }
        return out;
    }

    private static void assertSteps(double[][] expected, double[][] actual, double tolerance) {
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(expected[t], actual[t], tolerance, "step " + (t + 1));
        }
    }

    @Test
    void adamFirstStepMovesEachParameterByTheLearningRate() {
        double[] after = run(new Adam(), DataType.DOUBLE)[0];
        for (int i = 0; i < 3; i++) {
            // m̂ = g and v̂ = g², so the step is lr g / (|g| + eps).
            assertEquals(P0[i] - LR * G[0][i] / (Math.abs(G[0][i]) + 1e-8), after[i], 1e-15);
        }
    }

    @Test
    void adamMatchesPyTorch() {
        assertSteps(adam(0.9, 0.999, 1e-8, 0.0, false), run(new Adam(), DataType.DOUBLE), 1e-14);
        assertSteps(adam(0.8, 0.99, 1e-3, 0.05, false), run(new Adam(0.8, 0.99, 1e-3, 0.05), DataType.DOUBLE),
                1e-14);
    }

    @Test
    void adamInFloat32() {
        assertSteps(adam(0.9, 0.999, 1e-8, 0.0, false), run(new Adam(), DataType.FLOAT), 1e-6);
    }

    @ParameterizedTest
    @CsvSource({"DOUBLE, 1e-14", "FLOAT, 1e-6"})
    void adamStepsEveryElementOfALargeParameterFromAStridedGradient(DataType type, double tolerance) {
        int n = 2 * HostRanges.MIN_RANGE + 7; // updated in parallel ranges wherever there are two cores
        INDArray p = Nd4j.create(type, n);
        for (int i = 0; i < n; i++) {
            p.putScalar(i, P0[i % 3]);
        }
        Updater updater = new Adam(0.8, 0.99, 1e-3, 0.05).newUpdater();
        double[][] expected = adam(0.8, 0.99, 1e-3, 0.05, false);
        for (int t = 0; t < G.length; t++) {
            INDArray table = Nd4j.create(type, n, 2);
            for (int i = 0; i < n; i++) {
                table.putScalar(i, 1, G[t][i % 3]);
            }
            updater.step(Map.of("p", p), Map.of("p", table.getColumn(1)), LR);
            double[] after = p.toDoubleVector();
            for (int i = 0; i < n; i++) {
                assertEquals(expected[t][i % 3], after[i], tolerance, "step " + (t + 1) + ", element " + i);
            }
        }
    }

    @Test
    void adamWDecaysTheParameterNotTheGradient() {
        assertSteps(adam(0.9, 0.999, 1e-8, 0.01, true), run(new AdamW(), DataType.DOUBLE), 1e-14);
        assertSteps(adam(0.9, 0.99, 1e-6, 0.2, true), run(new AdamW(0.9, 0.99, 1e-6, 0.2), DataType.DOUBLE), 1e-14);
    }

    @Test
    void sgdMatchesPyTorch() {
        assertSteps(sgd(0, false, 0), run(new Sgd(0, false, 0), DataType.DOUBLE), 1e-15);
        assertSteps(sgd(0.9, false, 0), run(new Sgd(0.9, false, 0), DataType.DOUBLE), 1e-15);
        assertSteps(sgd(0.9, true, 0.01), run(new Sgd(0.9, true, 0.01), DataType.DOUBLE), 1e-15);
    }

    @Test
    void sgdMomentumSecondStepByHand() {
        double[] after = run(new Sgd(0.9, false, 0), DataType.DOUBLE)[1];
        // b1 = g1; b2 = 0.9 g1 + g2; p2 = p0 - lr g1 - lr b2.
        assertEquals(0.5 - 0.1 * 0.1 - 0.1 * (0.09 - 0.4), after[0], 1e-15);
    }

    @Test
    void rmsPropMatchesPyTorch() {
        assertSteps(rmsProp(0.99, 1e-8, 0, false, 0), run(new RmsProp(), DataType.DOUBLE), 1e-13);
        assertSteps(rmsProp(0.9, 1e-6, 0.5, true, 0.01), run(new RmsProp(0.9, 1e-6, 0.5, true, 0.01),
                DataType.DOUBLE), 1e-13);
    }

    @Test
    void restoredStateContinuesExactly() {
        Updater original = new Adam().newUpdater();
        INDArray p = Nd4j.create(P0, new long[]{3}, DataType.DOUBLE);
        for (int t = 0; t < 2; t++) {
            original.step(Map.of("p", p), Map.of("p", Nd4j.create(G[t], new long[]{3}, DataType.DOUBLE)), LR);
        }
        OptimizerState saved = original.save();
        INDArray resumedParameter = p.dup();
        Map<String, INDArray> last = Map.of("p", Nd4j.create(G[2], new long[]{3}, DataType.DOUBLE));
        original.step(Map.of("p", p), last, LR);

        Updater resumed = new Adam().newUpdater();
        resumed.restore(saved);
        resumed.step(Map.of("p", resumedParameter), last, LR);
        assertEquals(p, resumedParameter);
        assertEquals(2L, saved.steps().get("p"), "the snapshot is not changed by later steps");
        assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(saved.slots().get("p").keySet()).stream()
                .sorted().toList());
    }

    @Test
    void groupsScaleTheLearningRate() {
        INDArray a = Nd4j.create(P0, new long[]{3}, DataType.DOUBLE);
        INDArray b = Nd4j.create(P0, new long[]{3}, DataType.DOUBLE);
        INDArray g = Nd4j.create(G[0], new long[]{3}, DataType.DOUBLE);
        new Sgd(0, false, 0).newUpdater().step(List.of(new ParameterGroup(Map.of("net", a), Map.of("net", g), 1),
                new ParameterGroup(Map.of("proxies", b), Map.of("proxies", g), 100)), 0.01);
        assertEquals(P0[0] - 0.01 * G[0][0], a.getDouble(0), 1e-15);
        assertEquals(P0[0] - 1.0 * G[0][0], b.getDouble(0), 1e-15);
    }

    @Test
    void clearErrors() {
        Updater updater = new Adam().newUpdater();
        INDArray p = Nd4j.zeros(DataType.DOUBLE, 3);
        assertThrows(IllegalArgumentException.class, () -> updater.step(Map.of("p", p), Map.of(), LR));
        assertThrows(IllegalArgumentException.class,
                () -> updater.step(Map.of("p", p), Map.of("p", Nd4j.zeros(DataType.DOUBLE, 4)), LR));
        assertThrows(IllegalArgumentException.class, () -> updater.step(Map.of("p", p), Map.of("p", p), -1));
        assertEquals("beta1", assertThrows(PropertyException.class, () -> new Adam(1.0, 0.999, 1e-8, 0))
                .getProperty());
        assertEquals("nesterov", assertThrows(PropertyException.class, () -> new Sgd(0, true, 0)).getProperty());
        assertEquals("momentum", assertThrows(PropertyException.class, () -> new RmsProp(0.99, 1e-8, -1, false, 0))
                .getProperty());
        assertThrows(IllegalArgumentException.class, () -> new ParameterGroup(Map.of(), Map.of(), 0));
    }

    // ---- PyTorch's formulas, element by element, in double ----

    private static double[][] adam(double beta1, double beta2, double eps, double wd, boolean decoupled) {
        double[] p = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] out = new double[G.length][];
        for (int t = 1; t <= G.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t - 1][i];
                if (decoupled) {
                    p[i] *= 1 - LR * wd;
                } else {
                    g += wd * p[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(beta2, t)) + eps;
                p[i] -= LR / (1 - Math.pow(beta1, t)) * m[i] / denom;
            }
            out[t - 1] = p.clone();
        }
        return out;
    }

    private static double[][] sgd(double momentum, boolean nesterov, double wd) {
        double[] p = P0.clone();
        double[] buf = new double[3];
        double[][] out = new double[G.length][];
        for (int t = 1; t <= G.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t - 1][i] + wd * p[i];
                if (momentum != 0) {
                    buf[i] = t == 1 ? g : momentum * buf[i] + g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }
                p[i] -= LR * g;
            }
            out[t - 1] = p.clone();
        }
        return out;
    }

    private static double[][] rmsProp(double alpha, double eps, double momentum, boolean centered, double wd) {
        double[] p = P0.clone();
        double[] sq = new double[3];
        double[] avg = new double[3];
        double[] buf = new double[3];
        double[][] out = new double[G.length][];
        for (int t = 1; t <= G.length; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t - 1][i] + wd * p[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                double denom;
                if (centered) {
                    avg[i] = alpha * avg[i] + (1 - alpha) * g;
                    denom = Math.sqrt(sq[i] - avg[i] * avg[i]) + eps;
                } else {
                    denom = Math.sqrt(sq[i]) + eps;
                }
                if (momentum > 0) {
                    buf[i] = momentum * buf[i] + g / denom;
                    p[i] -= LR * buf[i];
                } else {
                    p[i] -= LR * g / denom;
                }
            }
            out[t - 1] = p.clone();
        }
        return out;
    }
}
