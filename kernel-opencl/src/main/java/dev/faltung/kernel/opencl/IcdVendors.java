package dev.faltung.kernel.opencl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Whether this machine might have an OpenCL GPU, decided without loading any OpenCL driver.
 * Backend selection asks every backend for its priority, and only a GPU lifts OpenCL's above
 * {@code simd}; probing to find out loads the installed drivers into every process, and PoCL's
 * (a CPU runtime) brings LLVM: tens of MiB resident and a SIGSEGV handler over the JVM's. On
 * Linux the ICD loader finds drivers through the {@code .icd} files in {@code /etc/OpenCL/vendors}
 * (or the directory or files its environment variables name); when PoCL's is the only one there
 * is no GPU driver to find. Anywhere else, or when told where to look, the answer is "maybe".
 */
final class IcdVendors {

    static final Path DEFAULT_DIRECTORY = Path.of("/etc/OpenCL/vendors");

    private IcdVendors() {
    }

    /** False only when a probe could not find a GPU: Linux, default ICD directory, no driver but PoCL's. */
    static boolean mayHaveGpu() {
        return mayHaveGpu(System.getProperty("os.name", ""), System.getenv(), DEFAULT_DIRECTORY);
    }

    static boolean mayHaveGpu(String osName, Map<String, String> environment, Path vendors) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")
                || environment.containsKey("OCL_ICD_VENDORS") || environment.containsKey("OCL_ICD_FILENAMES")) {
            return true;
        }
        if (!Files.isDirectory(vendors)) {
            return false; // the ICD loader has nothing to load
        }
        try (DirectoryStream<Path> icds = Files.newDirectoryStream(vendors, "*.icd")) {
            for (Path icd : icds) {
                if (!icd.getFileName().toString().toLowerCase(Locale.ROOT).startsWith("pocl")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException e) {
            return true;
        }
    }
}
