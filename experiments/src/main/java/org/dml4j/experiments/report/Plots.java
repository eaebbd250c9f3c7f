package org.dml4j.experiments.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * The charts of a run, each written as a PNG: line charts (loss by epoch, Recall@K by K, validation metrics by epoch)
 * and a class-colored map.
 */
final class Plots {

    private static final int MAX_LEGEND = 20;

    /** The colors of a line chart's series, in order (matplotlib's first four). */
    static final List<Color> SERIES_COLORS = List.of(new Color(31, 119, 180), new Color(255, 127, 14),
            new Color(44, 160, 44), new Color(214, 39, 40));

    private Plots() {
    }

    /**
     * A line through points, with a dot at each.
     *
     * @param file   the PNG file
     * @param title  the title
     * @param xLabel the x axis title
     * @param yLabel the y axis title
     * @param x      the x values
     * @param y      the y values, as many
     * @throws IOException if the file cannot be written
     */
    static void line(Path file, String title, String xLabel, String yLabel, double[] x, double[] y)
            throws IOException {
        lines(file, title, xLabel, yLabel, x, Map.of(yLabel, y));
    }

    /**
     * Lines through points that share their x values, each with a dot at each point, in the colors of {@link
     * #SERIES_COLORS}, with a legend when there are several (in the corner with the fewest points).
     *
     * @param file   the PNG file
     * @param title  the title
     * @param xLabel the x axis title
     * @param yLabel the y axis title
     * @param x      the x values
     * @param series the y values of each line by name, in drawing order, each as many as x, at most as many lines
     *               as colors
     * @throws IOException if the file cannot be written
     */
    static void lines(Path file, String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series)
            throws IOException {
        if (series.size() > SERIES_COLORS.size()) {
            throw new IllegalArgumentException("at most " + SERIES_COLORS.size() + " lines, got " + series.keySet());
        }
        double[] allX = series.values().stream().flatMapToDouble(y -> DoubleStream.of(x)).toArray();
        double[] allY = series.values().stream().flatMapToDouble(DoubleStream::of).toArray();
        PlotCanvas canvas = new PlotCanvas(title, xLabel, yLabel, allX, allY);
        Graphics2D g = canvas.graphics();
        int s = 0;
        for (double[] y : series.values()) {
            g.setColor(SERIES_COLORS.get(s++));
            for (int i = 0; i < x.length; i++) {
                if (i > 0) {
                    g.drawLine(canvas.x(x[i - 1]), canvas.y(y[i - 1]), canvas.x(x[i]), canvas.y(y[i]));
                }
                g.fillOval(canvas.x(x[i]) - 3, canvas.y(y[i]) - 3, 7, 7);
            }
        }
        if (series.size() > 1) {
            canvas.legend(List.copyOf(series.keySet()), SERIES_COLORS.subList(0, series.size()), allX, allY);
        }
        canvas.write(file);
    }

    /**
     * Points colored by class, with a legend of up to {@value #MAX_LEGEND} classes.
     *
     * @param file    the PNG file
     * @param title   the title
     * @param points  the {@code n × 2} points
     * @param classes each point's class id
     * @param names   the class names by id
     * @throws IOException if the file cannot be written
     */
    static void scatter(Path file, String title, double[][] points, int[] classes, List<String> names)
            throws IOException {
        double[] x = new double[points.length];
        double[] y = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            x[i] = points[i][0];
            y[i] = points[i][1];
        }
        PlotCanvas canvas = new PlotCanvas(title, "component 1", "component 2", x, y);
        Graphics2D g = canvas.graphics();
        for (int i = 0; i < points.length; i++) {
            g.setColor(color(classes[i], names.size()));
            g.fillOval(canvas.x(x[i]) - 2, canvas.y(y[i]) - 2, 5, 5);
        }
        int shown = Math.min(names.size(), MAX_LEGEND);
        canvas.legend(names.subList(0, shown),
                IntStream.range(0, shown).mapToObj(c -> color(c, names.size())).toList(), x, y);
        canvas.write(file);
    }

    /** Distinct hues around the color wheel, one per class. */
    private static Color color(int id, int count) {
        return Color.getHSBColor((float) id / Math.max(1, count), 0.85f, 0.85f);
    }
}
