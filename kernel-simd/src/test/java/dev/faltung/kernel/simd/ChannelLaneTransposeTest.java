package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The backward-filter transpose of the channel-lane convolution: gathered and copied element by
 * element (the path of machines without gather instructions), it lays the gradient out as
 * {@code dyT[group][block][i·P + p][width]}, zero past each group's channels.
 */
class ChannelLaneTransposeTest {

    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void gatheredAndCopiedLayoutsAgreeWithTheDefinition() {
        // 2 groups of 5 output channels: the last vector of each group's block is partly real.
        check(new ConvGeometry(3, 4, 6, 7, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2));
    }

    @Test
    void fullVectorsOfChannelsAreCopiedExactlyNegativeZerosIncluded() {
        // 2L + 3 channels on 35 positions: full vectors (transposed in registers where L is 16),
        // a partial one, and a last block of positions shorter than L.
        check(new ConvGeometry(2, 3, 5, 7, 2 * L + 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    private static void check(ConvGeometry g) {
        int p = g.outH() * g.outW(), kpg = g.kPerGroup(), count = 2, n = 1, i = 1;
        for (int width : new int[] {L, 2 * L}) {
            int blocks = (kpg + width - 1) / width, vectors = g.groups() * blocks * (width / L);
            float[] dy = Check.randomFloats(new Random(width), g.outputSize(), -1, 1);
            for (int z = 0; z < dy.length; z += 7) {
                dy[z] = -0f;
            }
            int[] lanesApart = FloatChannelLaneConvolution.lanesApart(p, kpg);
            int size = g.groups() * blocks * count * p * width;
            float[] gathered = new float[size], copied = new float[size];
            java.util.Arrays.fill(gathered, Float.NaN);
            java.util.Arrays.fill(copied, Float.NaN);
            // In two parts, as two workers would write it.
            for (float[] out : new float[][] {gathered, copied}) {
                boolean gathers = out == gathered;
                FloatChannelLaneConvolution.transpose(g, dy, n, i, count, width, blocks, 0, vectors / 2,
                        lanesApart, gathers, out);
                FloatChannelLaneConvolution.transpose(g, dy, n, i, count, width, blocks, vectors / 2, vectors,
                        lanesApart, gathers, out);
            }
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int b = 0; b < blocks; b++) {
                    for (int q = 0; q < p; q++) {
                        for (int lane = 0; lane < width; lane++) {
                            int kl = b * width + lane;
                            float expected = kl < kpg ? dy[(n * g.k() + grp * kpg + kl) * p + q] : 0f;
                            int at = (grp * blocks + b) * count * p * width + (i * p + q) * width + lane;
                            String where = "width " + width + " group " + grp + " channel " + kl + " position " + q;
                            assertEquals(expected, gathered[at], "gathered, " + where);
                            assertEquals(expected, copied[at], "copied, " + where);
                        }
                    }
                }
            }
        }
    }
}
