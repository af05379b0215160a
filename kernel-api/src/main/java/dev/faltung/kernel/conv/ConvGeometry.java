package dev.faltung.kernel.conv;

/**
 * Everything about one 2-D convolution except the data: input {@code [n, c, h, w]}, weight
 * {@code [k, c/groups, r, s]}, strides, resolved paddings, dilations and groups. A 1-D
 * convolution is the case {@code h = r = 1}. Construction validates and names the problem.
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int r, int s,
                           int strideH, int strideW,
                           int padTop, int padBottom, int padLeft, int padRight,
                           int dilationH, int dilationW, int groups) {

    public ConvGeometry {
        requirePositive("batch size", n);
        requirePositive("input channels", c);
        requirePositive("input height", h);
        requirePositive("input width", w);
        requirePositive("output channels", k);
        requirePositive("kernel height", r);
        requirePositive("kernel width", s);
        requirePositive("stride", strideH);
        requirePositive("stride", strideW);
        requirePositive("dilation", dilationH);
        requirePositive("dilation", dilationW);
        requirePositive("groups", groups);
        if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv: padding must be non-negative");
        }
        if (c % groups != 0 || k % groups != 0) {
            throw new IllegalArgumentException("conv: groups=" + groups + " must divide input channels "
                    + c + " and output channels " + k);
        }
        int spanH = dilationH * (r - 1) + 1;
        int spanW = dilationW * (s - 1) + 1;
        if (h + padTop + padBottom < spanH || w + padLeft + padRight < spanW) {
            throw new IllegalArgumentException("conv: kernel " + r + "x" + s + " (dilated extent " + spanH
                    + "x" + spanW + ") is larger than the padded input " + (h + padTop + padBottom) + "x"
                    + (w + padLeft + padRight));
        }
    }

    private static void requirePositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException("conv: " + what + " must be positive, got " + v);
        }
    }

    /**
     * Resolves {@code padding} for input {@code [n,c,h,w]} and weight {@code [k,c/groups,r,s]}.
     */
    public static ConvGeometry of(int n, int c, int h, int w, int k, int r, int s,
                                  int strideH, int strideW, Padding padding,
                                  int dilationH, int dilationW, int groups) {
        if (strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("conv: stride must be positive, got " + strideH + "," + strideW);
        }
        if (dilationH <= 0 || dilationW <= 0) {
            throw new IllegalArgumentException("conv: dilation must be positive, got " + dilationH + "," + dilationW);
        }
        int[] ph = padding.resolve(h, r, strideH, dilationH, 0);
        int[] pw = padding.resolve(w, s, strideW, dilationW, 1);
        return new ConvGeometry(n, c, h, w, k, r, s, strideH, strideW, ph[0], ph[1], pw[0], pw[1],
                dilationH, dilationW, groups);
    }

    public int outH() {
        return (h + padTop + padBottom - dilationH * (r - 1) - 1) / strideH + 1;
    }

    public int outW() {
        return (w + padLeft + padRight - dilationW * (s - 1) - 1) / strideW + 1;
    }

    /** Input channels per group. */
    public int cPerGroup() {
        return c / groups;
    }

    /** Output channels per group. */
    public int kPerGroup() {
        return k / groups;
    }

    public int inputSize() {
        return n * c * h * w;
    }

    public int weightSize() {
        return k * cPerGroup() * r * s;
    }

    public int outputSize() {
        return n * k * outH() * outW();
    }

    /** Multiply-adds of the forward pass, times two: the FLOP count benchmarks divide by. */
    public double flops() {
        return 2.0 * n * k * outH() * outW() * cPerGroup() * r * s;
    }

    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    public int[] weightShape() {
        return new int[] {k, cPerGroup(), r, s};
    }

    public int[] outputShape() {
        return new int[] {n, k, outH(), outW()};
    }
}
