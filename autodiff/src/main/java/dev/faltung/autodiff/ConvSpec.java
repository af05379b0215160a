package dev.faltung.autodiff;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.Padding;

/**
 * The parameters of a convolution besides its tensors: strides, padding, dilations, groups and
 * the algorithm. Immutable; start from {@link #DEFAULT} and adjust with the {@code with} methods.
 */
public record ConvSpec(int strideH, int strideW, Padding padding, int dilationH, int dilationW,
                       int groups, ConvAlgorithm algorithm) {

    /** Stride 1, no padding, no dilation, one group, automatic algorithm. */
    public static final ConvSpec DEFAULT = new ConvSpec(1, 1, Padding.VALID, 1, 1, 1, ConvAlgorithm.AUTO);

    public ConvSpec {
        if (padding == null || algorithm == null) {
            throw new IllegalArgumentException("conv: padding and algorithm must not be null");
        }
    }

    public ConvSpec withStride(int s) {
        return withStride(s, s);
    }

    public ConvSpec withStride(int sh, int sw) {
        return new ConvSpec(sh, sw, padding, dilationH, dilationW, groups, algorithm);
    }

    public ConvSpec withPadding(Padding p) {
        return new ConvSpec(strideH, strideW, p, dilationH, dilationW, groups, algorithm);
    }

    public ConvSpec withPadding(int p) {
        return withPadding(Padding.of(p, p));
    }

    public ConvSpec withDilation(int d) {
        return withDilation(d, d);
    }

    public ConvSpec withDilation(int dh, int dw) {
        return new ConvSpec(strideH, strideW, padding, dh, dw, groups, algorithm);
    }

    public ConvSpec withGroups(int g) {
        return new ConvSpec(strideH, strideW, padding, dilationH, dilationW, g, algorithm);
    }

    public ConvSpec withAlgorithm(ConvAlgorithm a) {
        return new ConvSpec(strideH, strideW, padding, dilationH, dilationW, groups, a);
    }
}
