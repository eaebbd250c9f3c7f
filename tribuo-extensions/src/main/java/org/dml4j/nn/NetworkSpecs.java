package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Parses the command-line form of a {@link NetworkSpec}: {@code KIND:SIZES[:OPTIONS]}.
 * <ul>
 *     <li>{@code mlp:H1,...,Hn,E}: hidden widths then the embedding width ({@code mlp:512,128}; {@code mlp:128} is a
 *     linear embedding). Options: {@code activation=relu|tanh}, {@code dropout=P}, {@code batch-norm=true|false},
 *     {@code normalize=true|false}.</li>
 *     <li>{@code cnn:C1,...,Cn,E}: the channels of each convolution block then the embedding width
 *     ({@code cnn:32,64,128}, see {@link CnnSpec}). Options: {@code image=CxHxW} (default {@code 1x28x28}),
 *     {@code pool=flatten|avg|gem|attention[H]} (default flatten), {@code normalize=true|false}.</li>
 *     <li>{@code resnet:W1,...,Wn,E}: the widths of each stage of residual blocks then the embedding width
 *     ({@code resnet:16,32,64,128}, see {@link ResNetSpec}). Options: {@code image=CxHxW} (default {@code 1x28x28}),
 *     {@code blocks=B} (per stage, default 1), {@code pool=avg|gem|attention[H]|flatten} (default avg),
 *     {@code normalize=true|false}.</li>
 *     <li>In {@code cnn} and {@code resnet} sizes, {@code attnH} after a stage's width adds a {@link TransformerBlock}
 *     with {@code H} heads over that stage's positions ({@code cnn:32,64,attn4,128}); {@code pool=gem} pools with
 *     {@link GeMPool2d}, {@code pool=attention} (1 head) or {@code pool=attentionH} with {@link AttentionPool}.</li>
 *     <li>{@code onnx:PATH}: an imported ONNX backbone fine-tuned as a whole ({@code org.dml4j.nn.onnx}, a
 *     {@link NetworkSpecKind}). Options: {@code embedding=E} (a linear embedding head of width E after it; default
 *     none), {@code normalize=true|false}, {@code freeze=none|all|N} (the backbone layers left untrained).</li>
 * </ul>
 * Options are comma-separated {@code key=value} pairs, e.g. {@code mlp:512,128:dropout=0.1,batch-norm=true}.
 */
public final class NetworkSpecs {

    /** The kind name of {@link MlpSpec}. */
    public static final String MLP = "mlp";
    /** The kind name of {@link CnnSpec}. */
    public static final String CNN = "cnn";
    /** The kind name of {@link ResNetSpec}. */
    public static final String RESNET = "resnet";
    /** The prefix of a {@link TransformerBlock} among an image network's sizes, followed by its heads. */
    public static final String ATTENTION = "attn";

    private static final String EXPECTED = "expected mlp:H1,...,Hn,E[:activation=relu|tanh,dropout=P,"
            + "batch-norm=true|false,normalize=true|false], cnn:C1,...,Cn,E[:image=CxHxW,pool=POOL,"
            + "normalize=true|false] or resnet:W1,...,Wn,E[:image=CxHxW,blocks=B,pool=POOL,normalize=true|false] "
            + "(attnH after a width adds a transformer block with H heads; POOL is flatten, avg, gem, attention or "
            + "attentionH) or "
            + "onnx:PATH[:embedding=E,normalize=true|false,freeze=none|all|N]";

    private NetworkSpecs() {
    }

    /**
     * Parses a network spec.
     *
     * @param spec the spec, e.g. {@code mlp:512,128}
     * @return the configured spec
     * @throws IllegalArgumentException naming the spec, the problem and the expected form
     */
    public static NetworkSpec parse(String spec) {
        return parse(spec, null);
    }

    /**
     * Parses the network spec of a saved model: a spec of a {@link NetworkSpecKind} rebuilds its network from what the
     * model stored for it (an {@code onnx:} spec from the graph structure, not from the file it names).
     *
     * @param spec   the spec
     * @param stored what the model stored for its network ({@link #stored}), or null
     * @return the configured spec
     * @throws IllegalArgumentException naming the spec, the problem and the expected form
     */
    public static NetworkSpec parse(String spec, byte[] stored) {
        String[] parts = spec.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw malformed(spec, "it needs a kind and sizes separated by ':'");
        }
        String kind = parts[0].trim().toLowerCase(Locale.ROOT);
        NetworkSpecKind extra = extraKind(kind);
        boolean image = kind.equals(CNN) || kind.equals(RESNET);
        Stages stages = image ? stages(spec, parts[1]) : null;
        int[] sizes = extra != null ? null : image ? stages.sizes() : sizes(spec, parts[1]);
        Map<String, String> options = options(spec, parts.length == 3 ? parts[2] : "");
        try {
            NetworkSpec parsed = switch (kind) {
                case MLP -> mlp(spec, sizes, options);
                case CNN -> cnn(spec, stages, options);
                case RESNET -> resnet(spec, stages, options);
                default -> {
                    if (extra == null) {
                        throw malformed(spec, "unknown kind '" + parts[0] + "'");
                    }
                    yield extra.parse(parts[1], options, stored);
                }
            };
            if (!options.isEmpty()) {
                throw malformed(spec, "unknown option(s) " + options.keySet());
            }
            return parsed;
        } catch (PropertyException e) {
            throw malformed(spec, e.getMessage());
        }
    }

    private static NetworkSpec mlp(String spec, int[] sizes, Map<String, String> options) {
        int[] hidden = Arrays.copyOf(sizes, sizes.length - 1);
        String activationName = options.remove("activation");
        Activation activation = Activation.RELU;
        if (activationName != null) {
            try {
                activation = Activation.valueOf(activationName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw malformed(spec, "unknown activation '" + activationName + "' (relu or tanh)");
            }
        }
        double dropout = number(spec, "dropout", options.remove("dropout"));
        boolean batchNorm = flag(spec, "batch-norm", options.remove("batch-norm"), false);
        boolean normalize = flag(spec, "normalize", options.remove("normalize"), true);
        return new MlpSpec(hidden, sizes[sizes.length - 1], activation, dropout, batchNorm, normalize);
    }

    private static NetworkSpec cnn(String spec, Stages stages, Map<String, String> options) {
        int[] sizes = stages.sizes();
        if (sizes.length < 2) {
            throw malformed(spec, "a cnn needs at least one block's channels and the embedding size");
        }
        int[] image = image(spec, options);
        ImageBlocks blocks = blocks(spec, stages, options, ImagePooling.FLATTEN);
        boolean normalize = flag(spec, "normalize", options.remove("normalize"), true);
        return new CnnSpec(Arrays.copyOf(sizes, sizes.length - 1), sizes[sizes.length - 1], image[0],
                image[1], image[2], normalize, blocks);
    }

    private static NetworkSpec resnet(String spec, Stages stages, Map<String, String> options) {
        int[] sizes = stages.sizes();
        if (sizes.length < 2) {
            throw malformed(spec, "a resnet needs at least one stage's width and the embedding size");
        }
        int[] image = image(spec, options);
        String blocks = options.remove("blocks");
        ImageBlocks extra = blocks(spec, stages, options, ImagePooling.AVG);
        boolean normalize = flag(spec, "normalize", options.remove("normalize"), true);
        return new ResNetSpec(Arrays.copyOf(sizes, sizes.length - 1), blocks == null ? 1 : positive(spec, blocks),
                sizes[sizes.length - 1], image[0], image[1], image[2], normalize, extra);
    }

    /**
     * An image network's sizes: the stage widths then the embedding width, and after each stage the heads of its
     * transformer block (0 for none).
     */
    private record Stages(int[] sizes, int[] heads) {
    }

    /** Reads {@code W1,[attnH,]...,Wn,[attnH,]E}. */
    private static Stages stages(String spec, String text) {
        List<Integer> sizes = new ArrayList<>();
        List<Integer> heads = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String trimmed = item.trim().toLowerCase(Locale.ROOT);
            if (!trimmed.startsWith(ATTENTION)) {
                sizes.add(positive(spec, item));
                heads.add(0);
            } else if (sizes.isEmpty() || heads.get(heads.size() - 1) != 0) {
                throw malformed(spec, "'" + item + "' must follow a stage's width (one attention block per stage)");
            } else {
                heads.set(heads.size() - 1, positive(spec, trimmed.substring(ATTENTION.length())));
            }
        }
        if (heads.get(heads.size() - 1) != 0) {
            throw malformed(spec, "the embedding width must come last, after the attention blocks");
        }
        return new Stages(sizes.stream().mapToInt(Integer::intValue).toArray(),
                heads.subList(0, heads.size() - 1).stream().mapToInt(Integer::intValue).toArray());
    }

    /** The transformer blocks of the sizes and the {@code pool} option. */
    private static ImageBlocks blocks(String spec, Stages stages, Map<String, String> options,
                                      ImagePooling absent) {
        int[] heads = Arrays.stream(stages.heads()).anyMatch(h -> h > 0) ? stages.heads() : new int[0];
        String pool = options.remove("pool");
        if (pool == null) {
            return new ImageBlocks(heads, absent, 1);
        }
        String name = pool.toLowerCase(Locale.ROOT);
        String attention = ImagePooling.ATTENTION.name().toLowerCase(Locale.ROOT);
        if (name.startsWith(attention)) {
            String count = name.substring(attention.length());
            return new ImageBlocks(heads, ImagePooling.ATTENTION, count.isEmpty() ? 1 : positive(spec, count));
        }
        for (ImagePooling p : ImagePooling.values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
                return new ImageBlocks(heads, p, 1);
            }
        }
        throw malformed(spec, "unknown pool '" + pool + "' (flatten, avg, gem, attention or attentionH)");
    }

    /**
     * What a saved model must store to rebuild its network without the files its spec names.
     *
     * @param spec    the network's spec
     * @param network the network
     * @return the bytes for {@link #parse(String, byte[])}, or null when the spec alone rebuilds the network
     */
    public static byte[] stored(String spec, EmbeddingNetwork network) {
        NetworkSpecKind extra = extraKind(spec.trim().split(":", -1)[0].trim().toLowerCase(Locale.ROOT));
        return extra == null ? null : extra.stored(network);
    }

    /** The {@link NetworkSpecKind} of this name from another package, or null. */
    private static NetworkSpecKind extraKind(String kind) {
        for (NetworkSpecKind k : ServiceLoader.load(NetworkSpecKind.class, NetworkSpecs.class.getClassLoader())) {
            if (k.kind().equals(kind)) {
                return k;
            }
        }
        return null;
    }

    /** The {@code image=CxHxW} option, default {@code 1x28x28}. */
    private static int[] image(String spec, Map<String, String> options) {
        int[] image = {1, 28, 28};
        String imageOption = options.remove("image");
        if (imageOption != null) {
            String[] dims = imageOption.split("x", -1);
            if (dims.length != 3) {
                throw malformed(spec, "image must be CxHxW, found '" + imageOption + "'");
            }
            for (int i = 0; i < 3; i++) {
                image[i] = positive(spec, dims[i]);
            }
        }
        return image;
    }

    private static int[] sizes(String spec, String text) {
        String[] items = text.split(",", -1);
        int[] sizes = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            sizes[i] = positive(spec, items[i]);
        }
        return sizes;
    }

    private static int positive(String spec, String text) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw malformed(spec, "sizes must be positive integers, found '" + text + "'");
    }

    private static Map<String, String> options(String spec, String text) {
        Map<String, String> options = new LinkedHashMap<>();
        if (text.isBlank()) {
            return options;
        }
        for (String item : text.split(",", -1)) {
            String[] kv = item.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw malformed(spec, "options must be key=value, found '" + item + "'");
            }
            options.put(kv[0].trim().toLowerCase(Locale.ROOT), kv[1].trim());
        }
        return options;
    }

    private static double number(String spec, String key, String value) {
        if (value == null) {
            return 0.0;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw malformed(spec, key + " must be a number, found '" + value + "'");
        }
    }

    private static boolean flag(String spec, String key, String value, boolean absent) {
        if (value == null) {
            return absent;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw malformed(spec, key + " must be true or false, found '" + value + "'");
        };
    }

    private static IllegalArgumentException malformed(String spec, String problem) {
        return new IllegalArgumentException("network spec '" + spec + "' is malformed: " + problem + "; " + EXPECTED);
    }
}
