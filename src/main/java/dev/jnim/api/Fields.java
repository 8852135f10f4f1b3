package dev.jnim.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of request fields with OpenAI-style 400 errors that name the field, the expected
 * type and the accepted range. Absent and JSON {@code null} both mean "not given".
 */
public final class Fields {

    private Fields() {
    }

    static boolean given(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** A JSON object's field, or null when absent. */
    public static JsonNode get(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        return given(v) ? v : null;
    }

    public static String requireString(JsonNode obj, String field) {
        String s = optString(obj, field, field);
        if (s == null) {
            throw ApiException.badRequest(field, "'" + field + "' is required");
        }
        return s;
    }

    public static String optString(JsonNode obj, String field, String name) {
        JsonNode v = get(obj, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        return v.asText();
    }

    public static Boolean optBool(JsonNode obj, String field, String name) {
        JsonNode v = get(obj, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(name, "a boolean", v);
        }
        return v.booleanValue();
    }

    /** An integer in {@code [min, max]}; huge numbers and fractions are errors, not truncated. */
    public static Long optLong(JsonNode obj, String field, String name, long min, long max) {
        JsonNode v = get(obj, field);
        if (v == null) {
            return null;
        }
        return toLong(v, name, min, max);
    }

    public static long toLong(JsonNode v, String name, long min, long max) {
        boolean integral = v.isIntegralNumber() || (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()));
        if (!v.isNumber() || !integral) {
            throw ApiException.badRequest(name, "'" + name + "' must be an integer in [" + min + ", " + max + "], got "
                    + describe(v));
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw ApiException.badRequest(name, "'" + name + "' must be an integer in [" + min + ", " + max + "], got "
                    + describe(v));
        }
        return v.longValue();
    }

    public static Integer optInt(JsonNode obj, String field, String name, int min, int max) {
        Long l = optLong(obj, field, name, min, max);
        return l == null ? null : l.intValue();
    }

    /**
     * A finite number in the range; {@code lowOpen} excludes {@code min} (written "(min, max]").
     */
    public static Double optDouble(JsonNode obj, String field, String name, double min, double max, boolean lowOpen) {
        JsonNode v = get(obj, field);
        if (v == null) {
            return null;
        }
        String range = Double.isInfinite(max) ? (lowOpen ? "> " : ">= ") + fmt(min)
                : "in " + (lowOpen ? "(" : "[") + fmt(min) + ", " + fmt(max) + "]";
        if (!v.isNumber()) {
            throw ApiException.badRequest(name, "'" + name + "' must be a number " + range + ", got " + describe(v));
        }
        double d = v.asDouble();
        boolean ok = Double.isFinite(d) && (lowOpen ? d > min : d >= min) && d <= max;
        if (!ok) {
            throw ApiException.badRequest(name, "'" + name + "' must be a number " + range + ", got " + describe(v));
        }
        return d;
    }

    public static ApiException wrongType(String name, String expected, JsonNode got) {
        return ApiException.badRequest(name, "'" + name + "' must be " + expected + ", got " + describe(got));
    }

    /** A short, bounded description of a value for error messages (never echoes long user text). */
    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
