package dev.faltung.kernel.opencl;

import java.lang.reflect.Method;

/**
 * Whether the JVM lets Aparapi's module load its JNI library without complaint. From JDK 22
 * {@code System.load} is a restricted method: without {@code --enable-native-access} for the
 * module that calls it (Aparapi sits on the class path, so {@code ALL-UNNAMED}) the JVM prints a
 * warning on the first load, and a later JDK will refuse it. {@code ./faltung} and the test
 * build pass the flag; embedders must pass it themselves.
 *
 * <p>NOTE: the answer must be read before Aparapi loads its library: after the warning the JVM
 * enables native access for the module, and asking then always says yes. {@link OpenClBackend}
 * reads it when its class initialises, before any probe.
 */
final class NativeAccess {

    static final String FLAG = "--enable-native-access=ALL-UNNAMED";
    private static final Boolean AT_START = enabled();

    private NativeAccess() {
    }

    /** Forces the start-up reading (class initialisation) before anything loads Aparapi's library. */
    static void readAtStartUp() {
        // AT_START is set by class initialisation; calling this is enough.
    }

    /** One line for {@link OpenClBackend#details()}. */
    static String describe() {
        Boolean enabled = AT_START;
        if (enabled == null) {
            return "not restricted on Java " + Runtime.version().feature();
        }
        return enabled ? "enabled for Aparapi's module"
                : "NOT enabled at start-up: Java " + Runtime.version().feature() + " warned when Aparapi loaded its JNI "
                        + "library and a later JDK will refuse it; run java with " + FLAG;
    }

    /**
     * Null before JDK 22 (no such restriction), else whether the class path's module, which
     * holds Aparapi and this backend, may call native code now.
     */
    static Boolean enabled() {
        try {
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            return (Boolean) m.invoke(NativeAccess.class.getModule());
        } catch (NoSuchMethodException beforeJdk22) {
            return null;
        } catch (ReflectiveOperationException e) {
            return Boolean.FALSE;
        }
    }
}
