package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/** A trivial kernel the tests pin to Aparapi's Java thread pool. */
final class JavaThreadKernel extends Kernel {

    float[] out = new float[1];
    int size;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            out[i] = i;
        }
    }
}
