package dev.faltung.nn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageTest {

    @Test
    void bilinearUpscaleMatchesPixelCentreAlignment() {
        // As torch.nn.functional.interpolate(mode='bilinear', align_corners=False) on [[0, 1], [2, 3]]:
        // output coordinate (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped into [0, 1].
        Image img = new Image(1, 2, 2, new float[] {0, 1, 2, 3});
        float[] expected = {
            0f, 0.25f, 0.75f, 1f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2f, 2.25f, 2.75f, 3f};
        assertArrayEquals(expected, img.resize(4, 4).pixels(), 1e-6f);
    }

    @Test
    void downscaleByTwoAveragesPairs() {
        Image img = new Image(1, 1, 4, new float[] {0, 2, 4, 6});
        assertArrayEquals(new float[] {1, 5}, img.resize(1, 2).pixels(), 1e-6f);
    }

    @Test
    void downscaleAveragesTheAreaEachOutputPixelCovers() {
        Image img = new Image(1, 1, 6, new float[] {0, 1, 2, 3, 4, 5});
        assertArrayEquals(new float[] {0.5f, 2.5f, 4.5f}, img.resize(1, 3).pixels(), 1e-6f);
        // 4 -> 3: output 0 covers input [0, 4/3): all of pixel 0 and a third of pixel 1.
        Image four = new Image(1, 1, 4, new float[] {0, 3, 6, 9});
        assertArrayEquals(new float[] {0.75f, 4.5f, 8.25f}, four.resize(1, 3).pixels(), 1e-5f);
    }

    @Test
    void aThinStrokeSurvivesATenfoldDownscale() {
        // A 2-pixel line in a 280x280 drawing: sampling (plain bilinear) would step over it.
        float[] px = new float[280 * 280];
        for (int x = 0; x < 280; x++) {
            px[100 * 280 + x] = 1;
            px[101 * 280 + x] = 1;
        }
        Image small = new Image(1, 280, 280, px).resize(28, 28);
        for (int x = 0; x < 28; x++) {
            assertEquals(0.2f, small.pixels()[10 * 28 + x], 1e-6f);
            assertEquals(0f, small.pixels()[9 * 28 + x]);
        }
    }

    @Test
    void eachDirectionIsResizedOnItsOwn() {
        // Rows shrink 2 -> 1 (area), columns grow 1 -> 2 (bilinear, so both copies of the one column).
        Image img = new Image(1, 2, 1, new float[] {1, 3});
        assertArrayEquals(new float[] {2, 2}, img.resize(1, 2).pixels(), 1e-6f);
    }

    @Test
    void channelConversionsUseLumaAndReplication() {
        Image rgb = new Image(3, 1, 1, new float[] {1, 0.5f, 0});
        assertEquals(0.299f + 0.587f * 0.5f, rgb.toChannels(1).pixels()[0], 1e-6f);
        Image gray = new Image(1, 1, 2, new float[] {0.2f, 0.8f});
        assertArrayEquals(new float[] {0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f}, gray.toChannels(3).pixels());
        assertThrows(IllegalArgumentException.class, () -> gray.toChannels(2));
        assertThrows(IllegalArgumentException.class, () -> new Image(1, 2, 2, new float[3]));
    }
}
