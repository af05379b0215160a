package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/** A kernel Aparapi cannot translate (it builds a String in run()), so Aparapi always falls back to Java threads. */
final class UntranslatableKernel extends Kernel {

    float[] out = new float[1];
    int size;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            out[i] = Integer.toString(i).length();
        }
    }
}
