package dev.faltung.kernel.opencl;

import com.aparapi.internal.opencl.OpenCLLoader;
import java.lang.reflect.Method;

/**
 * Whether the JVM lets Aparapi's module load its JNI library without complaint. From JDK 22
 * {@code System.load} is a restricted method: without {@code --enable-native-access} for the
 * module that calls it (Aparapi sits on the class path, so {@code ALL-UNNAMED}) the JVM prints a
 * warning on the first load, and a later JDK will refuse it. {@code ./faltung} and the test
 * build pass the flag; embedders must pass it themselves.
 */
final class NativeAccess {

    static final String FLAG = "--enable-native-access=ALL-UNNAMED";

    private NativeAccess() {
    }

    /** One line for {@link OpenClBackend#details()}. */
    static String describe() {
        Boolean enabled = enabled();
        if (enabled == null) {
            return "not restricted on Java " + Runtime.version().feature();
        }
        return enabled ? "enabled for Aparapi's module"
                : "NOT enabled: Java " + Runtime.version().feature() + " warns when Aparapi loads its JNI library and a "
                        + "later JDK will refuse; run java with " + FLAG;
    }

    /** Null before JDK 22 (no such restriction), else whether Aparapi's module may call native code. */
    static Boolean enabled() {
        try {
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            return (Boolean) m.invoke(OpenCLLoader.class.getModule());
        } catch (NoSuchMethodException beforeJdk22) {
            return null;
        } catch (ReflectiveOperationException e) {
            return Boolean.FALSE;
        }
    }
}
