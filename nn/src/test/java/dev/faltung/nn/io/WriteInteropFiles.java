package dev.faltung.nn.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the NPY and safetensors files that nn/src/test/python/check_java_output.py reads back with numpy. */
public final class WriteInteropFiles {

    private WriteInteropFiles() {
    }

    public static void main(String[] a) throws Exception {
        Path d = Path.of(a[0]);
        Npy.write(d.resolve("java_f32.npy"), NdArray.ofFloats(new float[]{1.5f, -2f, 3.25f, 0f, 7f, -0.125f}, 2, 3));
        Npy.write(d.resolve("java_f64.npy"), NdArray.ofDoubles(new double[]{Math.PI, -1e-300}, 2));
        Npy.write(d.resolve("java_i64.npy"), NdArray.ofLongs(new long[]{Long.MIN_VALUE, 0, 9}, 3));
        Npy.write(d.resolve("java_i32.npy"), NdArray.ofInts(new int[]{-5, 6}, 1, 2));
        Npy.write(d.resolve("java_scalar.npy"), NdArray.ofFloats(new float[]{0.6931472f}));
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("fc.weight", NdArray.ofFloats(new float[]{1, 2, 3, 4, 5, 6}, 3, 2));
        t.put("fc.bias", NdArray.ofDoubles(new double[]{0.25, -0.5, 1e10}, 3));
        t.put("step", NdArray.ofLongs(new long[]{12345}));
        t.put("idx", NdArray.ofInts(new int[]{1, 2, 3}, 3));
        SafeTensors.write(d.resolve("java.safetensors"), t, Map.of("epoch", "7", "name", "ünïcode \"quoted\""));
    }
}
