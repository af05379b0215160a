package dev.faltung.kernel.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcdVendorsTest {

    @TempDir
    Path vendors;

    @Test
    void onlyPoclsDriverOrNoneMeansNoGpuToLookFor() throws IOException {
        assertFalse(IcdVendors.mayHaveGpu("Linux", Map.of(), vendors.resolve("missing")));
        assertFalse(IcdVendors.mayHaveGpu("Linux", Map.of(), vendors));
        Files.writeString(vendors.resolve("pocl.icd"), "libpocl.so.2\n");
        Files.writeString(vendors.resolve("README"), "not a driver");
        assertFalse(IcdVendors.mayHaveGpu("Linux", Map.of(), vendors));
    }

    @Test
    void anyOtherDriverMeansProbe() throws IOException {
        Files.writeString(vendors.resolve("pocl.icd"), "libpocl.so.2\n");
        Files.writeString(vendors.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
        assertTrue(IcdVendors.mayHaveGpu("Linux", Map.of(), vendors));
    }

    @Test
    void elsewhereOrWhenTheLoaderIsPointedAwayTheAnswerIsMaybe() {
        assertTrue(IcdVendors.mayHaveGpu("Mac OS X", Map.of(), vendors));
        assertTrue(IcdVendors.mayHaveGpu("Windows 11", Map.of(), vendors));
        assertTrue(IcdVendors.mayHaveGpu("Linux", Map.of("OCL_ICD_VENDORS", "/opt/icds"), vendors));
        assertTrue(IcdVendors.mayHaveGpu("Linux", Map.of("OCL_ICD_FILENAMES", "/opt/x.so"), vendors));
    }
}
