package dev.faltung.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void referenceIsFoundByNameAndIsAvailable() {
        Backend b = Backends.get("reference");
        assertEquals("reference", b.name());
        assertEquals(0, b.priority());
        assertTrue(b.availability().available());
        assertEquals(b, Backends.get("  Reference "), "names are trimmed and case-insensitive");
        assertEquals(b, Backends.reference());
    }

    @Test
    void allListsEveryBackendHighestPriorityFirst() {
        List<String> names = Backends.all().stream().map(Backend::name).toList();
        assertEquals(List.of("test-unavailable", "test-preferred", "reference"), names);
    }

    @Test
    void anUnknownNameIsRejectedListingTheKnownBackends() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.get("cuda"));
        assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains("reference")
                && e.getMessage().contains("test-unavailable"), e.getMessage());
    }

    @Test
    void anUnavailableBackendIsRejectedWithItsReason() {
        var e = assertThrows(IllegalStateException.class, () -> Backends.get("test-unavailable"));
        assertTrue(e.getMessage().contains(TestBackends.Unavailable.REASON), e.getMessage());
    }

    @Test
    void choiceHonoursPropertyThenEnvironmentThenPriority() {
        assertEquals("reference", Backends.choose("reference", "test-preferred").name(), "property beats environment");
        assertEquals("reference", Backends.choose(null, "reference").name(), "environment when no property");
        assertEquals("reference", Backends.choose("  ", "reference").name(), "a blank property counts as none");
        assertEquals("test-preferred", Backends.choose(null, null).name(),
                "highest-priority available backend; test-unavailable ranks higher but is skipped");
        assertEquals("test-preferred", Backends.choose("", " ").name());
    }

    @Test
    void choosingAnUnavailableBackendExplicitlyThrowsInsteadOfFallingBack() {
        assertThrows(IllegalStateException.class, () -> Backends.choose("test-unavailable", null));
        assertThrows(IllegalStateException.class, () -> Backends.choose(null, "test-unavailable"));
        assertThrows(IllegalArgumentException.class, () -> Backends.choose(null, "no-such-backend"));
    }

    @Test
    void setDefaultRefusesAnUnavailableBackend() {
        Backend unavailable = new TestBackends.Unavailable();
        var e = assertThrows(IllegalStateException.class, () -> Backends.setDefault(unavailable));
        assertTrue(e.getMessage().contains(TestBackends.Unavailable.REASON), e.getMessage());
    }
}
