package org.dml4j.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * A {@value #WIDTH}×{@value #HEIGHT} chart drawn with Java 2D off screen (headless: no display needed): a title,
 * a framed plot area with five labelled ticks per axis, axis titles, an optional legend, and the mapping from data
 * to pixels, written as a PNG file.
 */
public final class PlotCanvas {

    /** A plot's width in pixels. */
    public static final int WIDTH = 640;
    static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 35;
    private static final int TOP = 55;
    private static final int BOTTOM = 50;
    private static final int TICKS = 5;
    private static final int LEGEND_LINE = 18;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g = image.createGraphics();
    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;

    /**
     * A canvas with axes for a data range (an empty range is widened so that it can be drawn).
     *
     * @param title  the chart title
     * @param xLabel the x axis title
     * @param yLabel the y axis title
     * @param x      the data's x values
     * @param y      the data's y values
     */
    PlotCanvas(String title, String xLabel, String yLabel, double[] x, double[] y) {
        double[] xr = range(x);
        double[] yr = range(y);
        this.xMin = xr[0];
        this.xMax = xr[1];
        this.yMin = yr[0];
        this.yMax = yr[1];
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        for (int t = 0; t <= TICKS; t++) {
            double xv = xMin + (xMax - xMin) * t / TICKS;
            double yv = yMin + (yMax - yMin) * t / TICKS;
            g.drawLine(x(xv), HEIGHT - BOTTOM, x(xv), HEIGHT - BOTTOM + 5);
            g.drawString(String.format("%.3g", xv), x(xv) - 12, HEIGHT - BOTTOM + 18);
            g.drawLine(LEFT - 5, y(yv), LEFT, y(yv));
            g.drawString(String.format("%.3g", yv), 5, y(yv) + 4);
        }
        g.drawString(xLabel, (WIDTH - LEFT - RIGHT) / 2 + LEFT - 20, HEIGHT - 12);
        g.drawString(yLabel, 5, TOP - 14);
        g.setStroke(new BasicStroke(2f));
    }

    private static double[] range(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            return new double[]{0, 1};
        }
        double pad = max > min ? (max - min) * 0.05 : Math.max(Math.abs(min) * 0.05, 0.5);
        return new double[]{min - pad, max + pad};
    }

    /** @return the pixel column of an x value */
    int x(double value) {
        return LEFT + (int) Math.round((value - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT));
    }

    /** @return the pixel row of a y value */
    int y(double value) {
        return HEIGHT - BOTTOM - (int) Math.round((value - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM));
    }

    /** @return the graphics to draw the data with */
    Graphics2D graphics() {
        return g;
    }

    /**
     * Draws a legend, a framed white box with a colored square and the name of each entry, in the corner of the plot
     * area that covers the fewest data points (top right when several cover none).
     *
     * @param names  the entries' names
     * @param colors their colors, as many
     * @param x      the x values of the data points
     * @param y      their y values, as many
     */
    void legend(List<String> names, List<Color> colors, double[] x, double[] y) {
        FontMetrics metrics = g.getFontMetrics();
        int width = names.stream().mapToInt(metrics::stringWidth).max().orElse(0) + 30;
        int height = LEGEND_LINE * names.size() + 8;
        int[] lefts = {WIDTH - RIGHT - width - 8, WIDTH - RIGHT - width - 8, LEFT + 8, LEFT + 8};
        int[] tops = {TOP + 8, HEIGHT - BOTTOM - height - 8, TOP + 8, HEIGHT - BOTTOM - height - 8};
        int best = 0;
        long fewest = Long.MAX_VALUE;
        for (int c = 0; c < lefts.length; c++) {
            int left = lefts[c];
            int top = tops[c];
            long covered = IntStream.range(0, x.length).filter(i -> x(x[i]) >= left && x(x[i]) <= left + width
                    && y(y[i]) >= top && y(y[i]) <= top + height).count();
            if (covered < fewest) {
                fewest = covered;
                best = c;
            }
        }
        drawLegend(names, colors, lefts[best], tops[best], width);
    }

    private void drawLegend(List<String> names, List<Color> colors, int left, int top, int width) {
        g.setColor(Color.WHITE);
        g.fillRect(left, top, width, LEGEND_LINE * names.size() + 8);
        Stroke stroke = g.getStroke();
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.GRAY);
        g.drawRect(left, top, width, LEGEND_LINE * names.size() + 8);
        g.setStroke(stroke);
        for (int i = 0; i < names.size(); i++) {
            g.setColor(colors.get(i));
            g.fillRect(left + 6, top + 7 + LEGEND_LINE * i, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), left + 22, top + 16 + LEGEND_LINE * i);
        }
    }

    /**
     * Writes the chart.
     *
     * @param file the PNG file
     * @throws IOException if it cannot be written
     */
    void write(Path file) throws IOException {
        g.dispose();
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }
}
