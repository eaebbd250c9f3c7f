package org.dml4j.augment;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the command-line form of an augmentation: steps joined by {@code +}, each {@code NAME[:ARG,...]}, applied in
 * order ({@link Compose}); image steps take the image shape given to {@link #parse}. Names and arguments (defaults in
 * brackets):
 * <ul>
 *   <li>{@code resized-crop[:MIN_SCALE,MAX_SCALE]} [0.08, 1] — {@link RandomResizedCrop};</li>
 *   <li>{@code flip[:P]} [0.5] — {@link RandomHorizontalFlip};</li>
 *   <li>{@code color-jitter[:BRIGHTNESS,CONTRAST,SATURATION,HUE[,P]]} [0.4, 0.4, 0.4, 0.1, 1] — {@link ColorJitter};</li>
 *   <li>{@code blur[:KERNEL[,P]]} [3, 1; sigma 0.1 to 2] — {@link GaussianBlur};</li>
 *   <li>{@code rotation[:DEGREES]} [15] — {@link RandomRotation} by up to that angle either way;</li>
 *   <li>{@code scaling[:MIN,MAX]} [0.9, 1.1] — {@link RandomScaling};</li>
 *   <li>{@code crop[:PADDING]} [4] — {@link RandomCrop};</li>
 *   <li>{@code noise[:STD]} [0.1] — {@link GaussianNoise} (any vector);</li>
 *   <li>{@code simclr} — SimCLR's views (Chen et al. 2020) as {@value #SIMCLR}.</li>
 * </ul>
 */
public final class AugmentationSpecs {

    /** SimCLR's augmentation, as steps: the crop scale from 0.2 as for small images, jitter 0.8, blur 0.5. */
    public static final String SIMCLR = "resized-crop:0.2,1+flip:0.5+color-jitter:0.4,0.4,0.4,0.1,0.8+blur:3,0.5";

    private static final String NAMES = "resized-crop, flip, color-jitter, blur, rotation, scaling, crop, noise, "
            + "simclr";

    private AugmentationSpecs() {
    }

    /**
     * Parses an augmentation.
     *
     * @param spec     the steps, e.g. {@code simclr} or {@code resized-crop:0.5,1+flip}
     * @param height   image height
     * @param width    image width
     * @param channels channels per pixel
     * @return the augmentation (a {@link Compose} of several steps, or the one step)
     * @throws IllegalArgumentException naming the step, the problem and the expected form
     */
    public static Augmentation parse(String spec, int height, int width, int channels) {
        List<Augmentation> steps = new ArrayList<>();
        for (String step : spec.trim().split("\\+", -1)) {
            String trimmed = step.trim().toLowerCase(Locale.ROOT);
            if (trimmed.equals("simclr")) {
                steps.add(parse(SIMCLR, height, width, channels));
            } else {
                steps.add(step(spec, trimmed, height, width, channels));
            }
        }
        return steps.size() == 1 ? steps.get(0) : new Compose(steps);
    }

    private static Augmentation step(String spec, String step, int h, int w, int c) {
        int colon = step.indexOf(':');
        String name = colon < 0 ? step : step.substring(0, colon);
        double[] a = arguments(spec, step, colon < 0 ? "" : step.substring(colon + 1));
        try {
            return switch (name) {
                case "resized-crop" -> new RandomResizedCrop(h, w, c, arg(a, 0, 0.08, spec, step, 2),
                        arg(a, 1, 1, spec, step, 2));
                case "flip" -> new RandomHorizontalFlip(h, w, c, arg(a, 0, 0.5, spec, step, 1));
                case "color-jitter" -> new ColorJitter(h, w, c, arg(a, 0, 0.4, spec, step, 5),
                        arg(a, 1, 0.4, spec, step, 5), arg(a, 2, 0.4, spec, step, 5), arg(a, 3, 0.1, spec, step, 5),
                        arg(a, 4, 1, spec, step, 5));
                case "blur" -> new GaussianBlur(h, w, c, integer(spec, step, arg(a, 0, 3, spec, step, 2)), 0.1, 2,
                        arg(a, 1, 1, spec, step, 2));
                case "rotation" -> {
                    double degrees = arg(a, 0, 15, spec, step, 1);
                    yield new RandomRotation(h, w, c, -degrees, degrees);
                }
                case "scaling" -> new RandomScaling(h, w, c, arg(a, 0, 0.9, spec, step, 2),
                        arg(a, 1, 1.1, spec, step, 2));
                case "crop" -> new RandomCrop(h, w, c, integer(spec, step, arg(a, 0, 4, spec, step, 1)));
                case "noise" -> new GaussianNoise(arg(a, 0, 0.1, spec, step, 1));
                default -> throw malformed(spec, "unknown augmentation '" + name + "'; choose one of " + NAMES);
            };
        } catch (PropertyException e) {
            throw malformed(spec, step + ": " + e.getMessage());
        }
    }

    private static double[] arguments(String spec, String step, String text) {
        if (text.isBlank()) {
            return new double[0];
        }
        String[] parts = text.split(",", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw malformed(spec, step + ": '" + parts[i] + "' is not a number");
            }
        }
        return out;
    }

    private static double arg(double[] args, int i, double fallback, String spec, String step, int max) {
        if (args.length > max) {
            throw malformed(spec, step + " takes at most " + max + " arguments, found " + args.length);
        }
        return i < args.length ? args[i] : fallback;
    }

    private static int integer(String spec, String step, double value) {
        if (value != Math.rint(value)) {
            throw malformed(spec, step + ": " + value + " must be a whole number");
        }
        return (int) value;
    }

    private static IllegalArgumentException malformed(String spec, String problem) {
        return new IllegalArgumentException("Cannot read the augmentation '" + spec + "': " + problem
                + " (steps NAME[:ARG,...] joined by '+', e.g. " + SIMCLR + ")");
    }
}
