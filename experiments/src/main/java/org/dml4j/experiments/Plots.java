package org.dml4j.experiments;

import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The charts of a run, each written as a PNG: line charts (loss by epoch, Recall@K by K) and a class-colored map. */
final class Plots {

    private static final int MAX_LEGEND = 20;

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
        PlotCanvas canvas = new PlotCanvas(title, xLabel, yLabel, x, y);
        Graphics2D g = canvas.graphics();
        g.setColor(new Color(31, 119, 180));
        for (int i = 0; i < x.length; i++) {
            if (i > 0) {
                g.drawLine(canvas.x(x[i - 1]), canvas.y(y[i - 1]), canvas.x(x[i]), canvas.y(y[i]));
            }
            g.fillOval(canvas.x(x[i]) - 3, canvas.y(y[i]) - 3, 7, 7);
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
        for (int c = 0; c < Math.min(names.size(), MAX_LEGEND); c++) {
            g.setColor(color(c, names.size()));
            g.fillRect(PlotCanvas.WIDTH - 110, 50 + 18 * c, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(names.get(c), PlotCanvas.WIDTH - 95, 60 + 18 * c);
        }
        canvas.write(file);
    }

    /** Distinct hues around the color wheel, one per class. */
    private static Color color(int id, int count) {
        return Color.getHSBColor((float) id / Math.max(1, count), 0.85f, 0.85f);
    }
}
