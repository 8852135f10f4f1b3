package dev.jnim.vision.preprocess;

import java.math.BigDecimal;

/** Python's {@code repr(float)} (shortest round-trip digits), for error messages that quote the reference. */
final class PythonFloat {

    private PythonFloat() {
    }

    static String repr(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return (long) v + ".0";
        }
        // Java's Double.toString is also shortest round-trip (JDK 19+); only the exponent style differs.
        String s = Double.toString(v);
        return s.contains("E") ? new BigDecimal(s).toString() : s;
    }
}
