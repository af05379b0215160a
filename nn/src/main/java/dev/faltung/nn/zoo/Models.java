package dev.faltung.nn.zoo;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.nn.Module;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.Seeds;
import dev.faltung.nn.layers.AdaptiveAvgPool2d;
import dev.faltung.nn.layers.AvgPool2d;
import dev.faltung.nn.layers.BatchNorm2d;
import dev.faltung.nn.layers.Conv2d;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.Dropout;
import dev.faltung.nn.layers.Flatten;
import dev.faltung.nn.layers.GlobalAvgPool;
import dev.faltung.nn.layers.InceptionBlock;
import dev.faltung.nn.layers.Layer;
import dev.faltung.nn.layers.MaxPool2d;
import dev.faltung.nn.layers.ReLU;
import dev.faltung.nn.layers.ResidualBlock;
import dev.faltung.nn.layers.Sequential;
import dev.faltung.nn.layers.Tanh;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model zoo: classic architectures built by name for an input shape {@code {C, H, W}}, a
 * class count and a seed. Layer and parameter names follow torchvision where it has the model
 * ({@code features.0.weight}, {@code layer1.0.conv1.weight}), and parameter counts match the
 * published ones at the published input size.
 *
 * <p>{@code textcnn} takes token ids rather than images: its input shape is
 * {@code {vocabularySize, sequenceLength}} and its input tensor {@code [N, sequenceLength]}.
 */
public final class Models {

    /** A zoo entry: name, one-line description and factory. */
    public record Entry(String name, String description, Factory factory) {
    }

    /** Builds a model for an input shape, a class count and a seed. */
    @FunctionalInterface
    public interface Factory {
        Module create(int[] inputShape, int classes, long seed);
    }

    private static final int M = -1; // a 2x2 max-pool in a VGG configuration
    private static final int[] VGG_A = {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    private static final int[] VGG_B = {64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    private static final int[] VGG_D = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
    private static final int[] VGG_E = {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M,
        512, 512, 512, 512, M};

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register("lenet5", "LeCun et al. 1998: tanh convolutions with average-pool subsampling, 61,706 parameters "
                + "at 1x32x32 (28x28 inputs get 2 pixels of padding in C1)", Models::lenet5);
        register("lenet5-bn", "LeNet-5's layers and map counts (6, 16, 120, 84) with ReLU, max pooling and batch "
                + "norm after each convolution and F6: the classic topology trained the modern way", Models::lenet5Bn);
        register("fmnist-cnn", "Two 5x5 'same' conv+ReLU+maxpool stages (32, 64 maps), dense 1024, dropout 0.4",
                Models::fmnistCnn);
        register("alexnet", "Krizhevsky et al. 2012 as torchvision's AlexNet: 61,100,840 parameters at 3x224x224 "
                + "with 1000 classes (needs inputs of at least 63x63)", Models::alexnet);
        register("alexnet-small", "AlexNet's five-conv/three-dense pattern scaled to 28-32 px inputs: 3x3 convs, "
                + "three 2x2 max-pools, dense 1024", Models::alexnetSmall);
        register("vgg11", "Simonyan & Zisserman 2015 configuration A (8 conv + 3 dense), torchvision layout without "
                + "batch norm", (s, c, seed) -> vgg("vgg11", VGG_A, s, c, seed));
        register("vgg13", "VGG configuration B (10 conv + 3 dense), torchvision layout",
                (s, c, seed) -> vgg("vgg13", VGG_B, s, c, seed));
        register("vgg16", "VGG configuration D (13 conv + 3 dense): 138,357,544 parameters at 3x224x224 with 1000 "
                + "classes", (s, c, seed) -> vgg("vgg16", VGG_D, s, c, seed));
        register("vgg19", "VGG configuration E (16 conv + 3 dense), torchvision layout",
                (s, c, seed) -> vgg("vgg19", VGG_E, s, c, seed));
        register("resnet18", "He et al. 2016 as torchvision's ResNet-18 (basic blocks [2,2,2,2]): 11,689,512 "
                + "parameters at 3x224x224 with 1000 classes", Models::resnet18);
        register("resnet20", "He et al. 2016's CIFAR ResNet-20: 3 stages of 3 basic blocks with 16/32/64 maps, "
                + "projection shortcuts, ~0.27M parameters; 28x28 or 32x32 inputs", Models::resnet20);
        register("googlenet-mini", "A small GoogLeNet (Szegedy et al. 2015): conv stem, three inception blocks, "
                + "global average pooling", Models::googlenetMini);
        register("textcnn", "Kim 2014 sentence CNN: embedding 300, conv1d widths 3/4/5 x 100 maps, max-over-time, "
                + "dropout 0.5; input shape {vocabulary, sequenceLength}", Models::textcnn);
    }

    private Models() {
    }

    private static void register(String name, String description, Factory f) {
        ENTRIES.put(name, new Entry(name, description, f));
    }

    /** The model names in a stable order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The one-line description of model {@code name}. */
    public static String description(String name) {
        return entry(name).description();
    }

    public static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    /**
     * Builds model {@code name} for {@code inputShape} ({@code {C, H, W}}; {@code {vocabulary, length}}
     * for textcnn) and {@code classes} outputs, initialised from {@code seed}. Throws naming the
     * model when the input is too small or malformed.
     */
    public static Module create(String name, int[] inputShape, int classes, long seed) {
        Entry e = entry(name);
        if (classes <= 0) {
            throw new IllegalArgumentException(name + ": class count must be positive, got " + classes);
        }
        int expectedRank = name.equals("textcnn") ? 2 : 3;
        if (inputShape.length != expectedRank || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException(name + ": input shape must be " + (expectedRank == 3 ? "{C, H, W}"
                    : "{vocabulary, sequenceLength}") + " with positive entries, got " + Arrays.toString(inputShape));
        }
        try {
            return e.factory().create(inputShape.clone(), classes, seed);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(name + " cannot take input " + Arrays.toString(inputShape) + ": "
                    + ex.getMessage(), ex);
        }
    }

    private static Entry entry(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; available: " + names());
        }
        return e;
    }

    // ---- helpers ------------------------------------------------------------------------

    /** Hands out the seeds of one model's layers in order. */
    private static final class SeedStream {
        private final long seed;
        private long next;

        SeedStream(long seed) {
            this.seed = seed;
        }

        long next() {
            return Seeds.derive(seed, next++);
        }
    }

    private static int[] batchOf(int[] chw) {
        int[] s = new int[chw.length + 1];
        s[0] = 1;
        System.arraycopy(chw, 0, s, 1, chw.length);
        return s;
    }

    /** Flattened feature count of {@code features} on one input of {@code chw}. */
    private static int flatSize(Layer features, int[] chw) {
        int[] s = features.outputShape(batchOf(chw));
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            n *= s[i];
        }
        return n;
    }

    private static ConvSpec pad(int p) {
        return ConvSpec.DEFAULT.withPadding(p);
    }

    /**
     * torchvision's VGG/ResNet initialisation: convolutions Kaiming-normal (fan_out, ReLU gain),
     * conv biases 0; batch norm γ=1, β=0; dense weights N(0, 0.01²) and biases 0 when
     * {@code denseSmall}.
     */
    private static void torchvisionInit(Module m, long seed, boolean denseSmall) {
        SeedStream seeds = new SeedStream(seed);
        visit(m, layer -> {
            if (layer instanceof Conv2d conv) {
                Tensor w = conv.weight();
                Init.assign(w, Init.kaimingNormal(seeds.next(), 0, Init.Mode.FAN_OUT, w.dtype(), w.shape()));
                if (conv.bias() != null) {
                    Init.assign(conv.bias(), Tensor.zeros(w.dtype(), conv.bias().shape()));
                }
            } else if (layer instanceof Dense dense && denseSmall) {
                Tensor w = dense.weight();
                Init.assign(w, Init.normal(seeds.next(), 0.01, w.dtype(), w.shape()));
                Init.assign(dense.bias(), Tensor.zeros(w.dtype(), dense.bias().shape()));
            }
        });
    }

    private static void visit(Module m, java.util.function.Consumer<Module> action) {
        action.accept(m);
        if (m instanceof Layer l) {
            for (Module child : l.children().values()) {
                visit(child, action);
            }
        }
    }

    // ---- the models ---------------------------------------------------------------------

    private static Module lenet5(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        int c1Pad = in[1] == 28 && in[2] == 28 ? 2 : 0;
        Sequential features = new Sequential()
                .add(new Conv2d(in[0], 6, 5, pad(c1Pad), true, s.next())).add(new Tanh()).add(new AvgPool2d(2))
                .add(new Conv2d(6, 16, 5, s.next())).add(new Tanh()).add(new AvgPool2d(2))
                .add(new Conv2d(16, 120, 5, s.next())).add(new Tanh());
        return new Sequential()
                .add("features", features)
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dense(flatSize(features, in), 84, s.next()), new Tanh(),
                        new Dense(84, classes, s.next())));
    }

    private static Module lenet5Bn(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        int c1Pad = in[1] == 28 && in[2] == 28 ? 2 : 0;
        Sequential features = new Sequential()
                .add(new Conv2d(in[0], 6, 5, pad(c1Pad), false, s.next())).add(new BatchNorm2d(6)).add(new ReLU())
                .add(new MaxPool2d(2))
                .add(new Conv2d(6, 16, 5, ConvSpec.DEFAULT, false, s.next())).add(new BatchNorm2d(16)).add(new ReLU())
                .add(new MaxPool2d(2))
                .add(new Conv2d(16, 120, 5, ConvSpec.DEFAULT, false, s.next())).add(new BatchNorm2d(120)).add(new ReLU());
        return new Sequential()
                .add("features", features)
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dense(flatSize(features, in), 84, s.next()), new ReLU(),
                        new Dense(84, classes, s.next())));
    }

    private static Module fmnistCnn(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        ConvSpec same = ConvSpec.DEFAULT.withPadding(Padding.SAME);
        Sequential features = new Sequential(
                new Conv2d(in[0], 32, 5, same, true, s.next()), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 5, same, true, s.next()), new ReLU(), new MaxPool2d(2));
        return new Sequential()
                .add("features", features)
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dense(flatSize(features, in), 1024, s.next()), new ReLU(),
                        new Dropout(0.4, s.next()), new Dense(1024, classes, s.next())));
    }

    private static Module alexnet(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential features = new Sequential(
                new Conv2d(in[0], 64, 11, ConvSpec.DEFAULT.withStride(4).withPadding(2), true, s.next()), new ReLU(),
                new MaxPool2d(3, 2, 0, false),
                new Conv2d(64, 192, 5, pad(2), true, s.next()), new ReLU(), new MaxPool2d(3, 2, 0, false),
                new Conv2d(192, 384, 3, pad(1), true, s.next()), new ReLU(),
                new Conv2d(384, 256, 3, pad(1), true, s.next()), new ReLU(),
                new Conv2d(256, 256, 3, pad(1), true, s.next()), new ReLU(), new MaxPool2d(3, 2, 0, false));
        features.outputShape(batchOf(in));
        return new Sequential()
                .add("features", features)
                .add("avgpool", new AdaptiveAvgPool2d(6, 6))
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dropout(0.5, s.next()), new Dense(256 * 6 * 6, 4096, s.next()),
                        new ReLU(), new Dropout(0.5, s.next()), new Dense(4096, 4096, s.next()), new ReLU(),
                        new Dense(4096, classes, s.next())));
    }

    private static Module alexnetSmall(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential features = new Sequential(
                new Conv2d(in[0], 64, 3, pad(1), true, s.next()), new ReLU(), new MaxPool2d(2),
                new Conv2d(64, 192, 3, pad(1), true, s.next()), new ReLU(), new MaxPool2d(2),
                new Conv2d(192, 384, 3, pad(1), true, s.next()), new ReLU(),
                new Conv2d(384, 256, 3, pad(1), true, s.next()), new ReLU(),
                new Conv2d(256, 256, 3, pad(1), true, s.next()), new ReLU(), new MaxPool2d(2));
        return new Sequential()
                .add("features", features)
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dropout(0.5, s.next()),
                        new Dense(flatSize(features, in), 1024, s.next()), new ReLU(), new Dropout(0.5, s.next()),
                        new Dense(1024, 1024, s.next()), new ReLU(), new Dense(1024, classes, s.next())));
    }

    /**
     * VGG in torchvision's layout. NOTE: the max-pools use ceil mode (identical at 224 and 32 px,
     * where every size is even, and it lets 28 px inputs through five pools), and the adaptive
     * average pool targets {@code min(7, feature size)}: 7x7 at 224 px as torchvision, while small
     * inputs are not blown up to 7x7 copies of a 1x1 map.
     */
    private static Module vgg(String name, int[] cfg, int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential features = new Sequential();
        int channels = in[0];
        for (int v : cfg) {
            if (v == M) {
                features.add(new MaxPool2d(2, 2, 0, true));
            } else {
                features.add(new Conv2d(channels, v, 3, pad(1), true, s.next())).add(new ReLU());
                channels = v;
            }
        }
        int[] fs = features.outputShape(batchOf(in));
        int ph = Math.min(7, fs[2]), pw = Math.min(7, fs[3]);
        Sequential model = new Sequential()
                .add("features", features)
                .add("avgpool", new AdaptiveAvgPool2d(ph, pw))
                .add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dense(512 * ph * pw, 4096, s.next()), new ReLU(),
                        new Dropout(0.5, s.next()), new Dense(4096, 4096, s.next()), new ReLU(),
                        new Dropout(0.5, s.next()), new Dense(4096, classes, s.next())));
        torchvisionInit(model, s.next(), true);
        return model;
    }

    private static Sequential stage(int in, int out, int blocks, int stride, SeedStream s) {
        Sequential stage = new Sequential();
        for (int i = 0; i < blocks; i++) {
            stage.add(new ResidualBlock(i == 0 ? in : out, out, i == 0 ? stride : 1, s.next()));
        }
        return stage;
    }

    private static Module resnet18(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential model = new Sequential()
                .add("conv1", new Conv2d(in[0], 64, 7, ConvSpec.DEFAULT.withStride(2).withPadding(3), false, s.next()))
                .add("bn1", new BatchNorm2d(64))
                .add("relu", new ReLU())
                .add("maxpool", new MaxPool2d(3, 2, 1, false))
                .add("layer1", stage(64, 64, 2, 1, s))
                .add("layer2", stage(64, 128, 2, 2, s))
                .add("layer3", stage(128, 256, 2, 2, s))
                .add("layer4", stage(256, 512, 2, 2, s))
                .add("avgpool", new GlobalAvgPool())
                .add("fc", new Dense(512, classes, s.next()));
        model.outputShape(batchOf(in));
        torchvisionInit(model, s.next(), false);
        return model;
    }

    private static Module resnet20(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential model = new Sequential()
                .add("conv1", new Conv2d(in[0], 16, 3, pad(1), false, s.next()))
                .add("bn1", new BatchNorm2d(16))
                .add("relu", new ReLU())
                .add("layer1", stage(16, 16, 3, 1, s))
                .add("layer2", stage(16, 32, 3, 2, s))
                .add("layer3", stage(32, 64, 3, 2, s))
                .add("avgpool", new GlobalAvgPool())
                .add("fc", new Dense(64, classes, s.next()));
        model.outputShape(batchOf(in));
        torchvisionInit(model, s.next(), false);
        return model;
    }

    private static Module googlenetMini(int[] in, int classes, long seed) {
        SeedStream s = new SeedStream(seed);
        Sequential model = new Sequential()
                .add("stem", new Sequential(new Conv2d(in[0], 32, 3, pad(1), true, s.next()), new ReLU(),
                        new MaxPool2d(3, 2, 1, false)))
                .add("inception3a", new InceptionBlock(32, 16, 16, 32, 4, 8, 8, s.next()))
                .add("inception3b", new InceptionBlock(64, 32, 32, 48, 8, 16, 16, s.next()))
                .add("maxpool", new MaxPool2d(3, 2, 1, false))
                .add("inception4a", new InceptionBlock(112, 48, 48, 64, 8, 16, 16, s.next()))
                .add("avgpool", new GlobalAvgPool())
                .add("dropout", new Dropout(0.4, s.next()))
                .add("fc", new Dense(144, classes, s.next()));
        model.outputShape(batchOf(in));
        return model;
    }

    private static Module textcnn(int[] in, int classes, long seed) {
        return new TextCnn(in[0], in[1], 300, classes, seed);
    }
}
