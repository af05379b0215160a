package dev.faltung.kernel.opencl;

import com.aparapi.Range;
import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Optional;

/**
 * The IM2COL algorithm as one device launch per direction ({@link LoweredConvKernel}): the
 * inputs go to the device once, the lowered matrix never leaves it, and only the results come
 * back. The lowered matrix of one chunk of images lives in a scratch array kept (and reused)
 * across calls, at most {@value #SCRATCH_FLOATS} floats unless a single image needs more. The
 * caller passes float arrays whose sizes fit the geometry (checked by
 * {@link dev.faltung.kernel.conv.Convolutions}); they must not alias one another. Thread-safe:
 * calls are serialised on the kernel.
 */
final class LoweredConvolution {

    /** Scratch cap: 16 Mi floats (64 MiB) of lowered columns per chunk of images. */
    static final int SCRATCH_FLOATS = 1 << 24;
    /** Groups the element passes may use beyond what the products need, so a GPU has work for every unit. */
    private static final int MIN_ELEMENT_GROUPS = 256;
    private static final float[] NONE = new float[1];

    private final Launcher launcher;
    private final LoweredConvKernel kernel;
    private final int scratchFloats;

    LoweredConvolution(Launcher launcher) {
        this(launcher, SCRATCH_FLOATS);
    }

    /** With another scratch cap (tests use a small one to force several chunks). */
    LoweredConvolution(Launcher launcher, int scratchFloats) {
        this.launcher = launcher;
        this.kernel = launcher.adopt(new LoweredConvKernel());
        this.scratchFloats = scratchFloats;
    }

    /** Why this device cannot run {@code g} this way, if it cannot. */
    Optional<String> whyNotApplicable(ConvGeometry g) {
        if (launcher.device().getMaxWorkGroupSize() < LoweredConvKernel.GROUP) {
            return Optional.of("the device's work-groups hold " + launcher.device().getMaxWorkGroupSize()
                    + " items, the lowered kernel needs " + LoweredConvKernel.GROUP);
        }
        long perImage = (long) g.c() * g.r() * g.s() * g.outH() * g.outW();
        if (perImage > Integer.MAX_VALUE) {
            return Optional.of("one image lowers to " + perImage + " elements, above 2^31");
        }
        long bytes = 4L * perImage;
        if (bytes > launcher.device().getMaxMemAllocSize()) {
            return Optional.of("one image lowers to " + (bytes >> 20) + " MiB, above the device's largest buffer ("
                    + (launcher.device().getMaxMemAllocSize() >> 20) + " MiB)");
        }
        return Optional.empty();
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        synchronized (kernel) {
            int chunk = bind(g, LoweredConvKernel.FORWARD, bias != null);
            kernel.x = x;
            kernel.w = w;
            kernel.bias = bias == null ? NONE : bias;
            kernel.y = y;
            if (bias == null) {
                launcher.upload(kernel, x, w);
            } else {
                launcher.upload(kernel, x, w, bias);
            }
            launch("conv forward (im2col)", g, chunk, 2 * chunks(g, chunk));
            launcher.download(kernel, y);
        }
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        synchronized (kernel) {
            int chunk = bind(g, LoweredConvKernel.DATA, false);
            kernel.x = dx;
            kernel.w = w;
            kernel.bias = NONE;
            kernel.y = dy;
            launcher.upload(kernel, dy, w);
            launch("conv backward data (im2col)", g, chunk, 2 * chunks(g, chunk));
            launcher.download(kernel, dx);
        }
    }

    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        synchronized (kernel) {
            int chunk = bind(g, LoweredConvKernel.FILTER, dbias != null);
            kernel.x = x;
            kernel.w = dw;
            kernel.bias = dbias == null ? NONE : dbias;
            kernel.y = dy;
            launcher.upload(kernel, x, dy);
            launch("conv backward filter (im2col)", g, chunk, 2 * chunks(g, chunk) + (dbias == null ? 0 : 1));
            launcher.download(kernel, dw);
            if (dbias != null) {
                launcher.download(kernel, dbias);
            }
        }
    }

    /** Sets the geometry and scratch; returns the images per chunk. */
    private int bind(ConvGeometry g, int mode, boolean hasBias) {
        int perImage = g.c() * g.r() * g.s() * g.outH() * g.outW();
        int chunk = chunkFor(g);
        int need = Math.max(1, chunk * perImage);
        // The scratch array is never put or got; reusing it spares the device a new buffer per call.
        if (kernel.cols.length < need) {
            kernel.cols = new float[need];
        }
        kernel.mode = mode;
        kernel.hasBias = hasBias ? 1 : 0;
        kernel.n = g.n();
        kernel.c = g.c();
        kernel.h = g.h();
        kernel.wd = g.w();
        kernel.k = g.k();
        kernel.r = g.r();
        kernel.s = g.s();
        kernel.outH = g.outH();
        kernel.outW = g.outW();
        kernel.strideH = g.strideH();
        kernel.strideW = g.strideW();
        kernel.padTop = g.padTop();
        kernel.padLeft = g.padLeft();
        kernel.dilationH = g.dilationH();
        kernel.dilationW = g.dilationW();
        kernel.groups = g.groups();
        kernel.chunk = chunk;
        return chunk;
    }

    /** Images per chunk for {@code g}: as many as fit the scratch cap, at least one. */
    int chunkFor(ConvGeometry g) {
        int perImage = g.c() * g.r() * g.s() * g.outH() * g.outW();
        return Math.max(1, Math.min(g.n(), scratchFloats / Math.max(perImage, 1)));
    }

    private static int chunks(ConvGeometry g, int chunk) {
        return (g.n() + chunk - 1) / chunk;
    }

    private void launch(String op, ConvGeometry g, int chunk, int passes) {
        Range range = launcher.groups(groupsFor(g, chunk, kernel.mode), LoweredConvKernel.GROUP);
        launcher.run(op, kernel, range, passes);
    }

    /**
     * Enough groups for one output tile each in a chunk's product, and (up to
     * {@value #MIN_ELEMENT_GROUPS}) for the element passes; every pass loops over what is left.
     */
    static int groupsFor(ConvGeometry g, int chunk, int mode) {
        long t = LoweredConvKernel.TILE;
        long kpg = g.kPerGroup(), depth = (long) g.cPerGroup() * g.r() * g.s(), hw = (long) g.outH() * g.outW();
        long tiles = switch (mode) {
            case LoweredConvKernel.FORWARD -> chunk * g.groups() * ceil(kpg, t) * ceil(hw, t);
            case LoweredConvKernel.DATA -> chunk * g.groups() * ceil(depth, t) * ceil(hw, t);
            default -> g.groups() * ceil(kpg, t) * ceil(depth, t);
        };
        long elements = Math.max((long) chunk * g.c() * g.r() * g.s() * hw, (long) chunk * g.c() * g.h() * g.w());
        long groups = Math.max(tiles, Math.min(ceil(elements, LoweredConvKernel.GROUP), MIN_ELEMENT_GROUPS));
        return (int) Math.min(groups, Integer.MAX_VALUE / LoweredConvKernel.GROUP);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
