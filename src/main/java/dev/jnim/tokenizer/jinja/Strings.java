package dev.jnim.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python {@code str} method semantics that differ from Java's (whitespace set, split, title, format). */
final class Strings {

    private Strings() {
    }

    /** Python {@code str.isspace} for one code point. */
    static boolean isPySpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** Python {@code strip/lstrip/rstrip}: {@code chars} null means whitespace. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && stripped(s.codePointAt(start), chars)) {
                start += Character.charCount(s.codePointAt(start));
            }
        }
        if (right) {
            while (end > start && stripped(s.codePointBefore(end), chars)) {
                end -= Character.charCount(s.codePointBefore(end));
            }
        }
        return s.substring(start, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isPySpace(cp) : chars.indexOf(cp) >= 0;
    }

    /** Python {@code str.split(sep, maxsplit)}. */
    static List<Object> split(String s, String sep, long maxSplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isPySpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    return out;
                }
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    return out;
                }
                int j = i;
                while (j < n && !isPySpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw JinjaException.runtime("ValueError: empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** Python {@code str.rsplit(sep, maxsplit)}. */
    static List<Object> rsplit(String s, String sep, long maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, maxSplit);
        }
        if (sep == null) {
            List<Object> out = new ArrayList<>();
            int j = s.length();
            while (true) {
                while (j > 0 && isPySpace(s.charAt(j - 1))) {
                    j--;
                }
                if (j <= 0) {
                    break;
                }
                if (out.size() == maxSplit) {
                    out.add(strip(s.substring(0, j), null, true, false));
                    break;
                }
                int i = j;
                while (i > 0 && !isPySpace(s.charAt(i - 1))) {
                    i--;
                }
                out.add(s.substring(i, j));
                j = i;
            }
            java.util.Collections.reverse(out);
            return out;
        }
        List<Object> out = new ArrayList<>();
        int end = s.length();
        int at;
        while (out.size() < maxSplit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0 && end - sep.length() >= 0) {
            out.add(s.substring(at + sep.length(), end));
            end = at;
        }
        out.add(s.substring(0, end));
        java.util.Collections.reverse(out);
        return out;
    }

    /** Python {@code str.splitlines()} without keepends. */
    static List<Object> splitlines(String s) {
        List<Object> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
                    || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                out.add(s.substring(start, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Python {@code str.title()}: upper-cases a letter that follows a non-letter, lower-cases the rest. */
    static String pythonTitle(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            b.appendCodePoint(prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            prevCased = Character.isLetter(cp);
        }
        return b.toString();
    }

    /** Python {@code str.capitalize()}: first character upper, the rest lower. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
    }

    /** Python {@code str.replace(old, new, count)}. */
    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder b = new StringBuilder();
        int from = 0;
        long done = 0;
        int at;
        while (done < count && (at = s.indexOf(old, from)) >= 0) {
            b.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
            if (old.isEmpty()) {
                if (from < s.length()) {
                    b.append(s.charAt(from));
                }
                from++;
                if (from > s.length()) {
                    return b.toString();
                }
            }
        }
        return b.append(s.substring(Math.min(from, s.length()))).toString();
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.codePointCount(0, s.length()) + 1L;
        }
        long n = 0;
        int from = 0;
        int at;
        while ((at = s.indexOf(sub, from)) >= 0) {
            n++;
            from = at + sub.length();
        }
        return n;
    }

    /** A UTF-16 index as a code point index ({@code -1} stays). */
    static int cpIndex(String s, int utf16) {
        return utf16 < 0 ? -1 : s.codePointCount(0, utf16);
    }

    /** Python {@code str.format} for {@code {}}, {@code {0}}, {@code {name}} and {@code {{ }}} (no format specs). */
    static String format(String s, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder b = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                b.append('{');
                i++;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                b.append('}');
                i++;
            } else if (c == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw JinjaException.runtime("ValueError: Single '{' encountered in format string");
                }
                String field = s.substring(i + 1, end);
                if (field.contains(":") || field.contains("!")) {
                    throw JinjaException.runtime("ValueError: format specs are not supported: {" + field + "}");
                }
                Object v;
                if (field.isEmpty()) {
                    v = Methods.arg(args, auto++, "format");
                } else if (field.chars().allMatch(Character::isDigit)) {
                    v = Methods.arg(args, Integer.parseInt(field), "format");
                } else if (kwargs.containsKey(field)) {
                    v = kwargs.get(field);
                } else {
                    throw JinjaException.runtime("KeyError: '" + field + "'");
                }
                b.append(Values.str(v));
                i = end;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
