package dev.faltung.nn.io;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\"}, \"d\": 0} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "d"), List.copyOf(m.keySet()), "key order is kept");
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2500.0, a.get(1));
        assertEquals(Boolean.TRUE, a.get(2));
        assertEquals(Boolean.FALSE, a.get(3));
        assertNull(a.get(4));
        assertEquals("x\"y\\z\né😀", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(0L, m.get("d"));
    }

    @Test
    void integersBeyondLongAreKeptExactNotWrapped() {
        assertEquals(new BigDecimal("99999999999999999999999"), Json.parse("99999999999999999999999"));
    }

    @Test
    void anAbsurdlyLongIntegerIsRefusedAtOnceNotParsedForMinutes() {
        String digits = "7".repeat(10_000_000);
        long start = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[" + digits + "]"));
        assertTrue(e.getMessage().contains("integer of 10000000 digits") && e.getMessage().contains("offset 1"),
                e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took " + (System.nanoTime() - start) / 1e9 + " s");
        assertEquals(new BigDecimal("1" + "0".repeat(99)), Json.parse("1" + "0".repeat(99)));
    }

    @Test
    void aMillionValuesIsTheMostOneParseBuilds() {
        String many = "[" + "0,".repeat(Json.MAX_VALUES) + "0]"; // the array itself is one more value
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(many));
        assertTrue(e.getMessage().contains("more than " + Json.MAX_VALUES + " values"), e.getMessage());
        assertEquals(Json.MAX_VALUES - 1, ((List<?>) Json.parse("[" + "0,".repeat(Json.MAX_VALUES - 2) + "0]")).size());
    }

    @Test
    void writeThenParseIsIdentity() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\there \"q\" \u0001 é");
        m.put("n", List.of(1L, 2.5, -3L));
        m.put("t", true);
        m.put("z", null);
        m.put("o", Map.of("k", "v"));
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void rejectsMalformedInputWithTheOffset() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "\"abc", "\"\\x\"",
                "tru", "{} x", "{\"a\":1,\"a\":2}", "\"\u0001\"", "-", "1e"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
    }

    @Test
    void refusesHostileNestingInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void refusesNonFiniteNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
    }
}
