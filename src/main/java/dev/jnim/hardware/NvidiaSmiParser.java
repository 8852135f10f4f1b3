package dev.jnim.hardware;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code nvidia-smi} output: the CSV of {@link #QUERY_ARGS} for the figures and {@code -L} for
 * MIG instances (which the CSV query does not list). The CSV puts the name last because it is the only
 * field that could contain a comma.
 */
public final class NvidiaSmiParser {

    /** Arguments of the CSV query this parser reads. */
    public static final List<String> QUERY_ARGS = List.of(
            "--query-gpu=index,uuid,pci.device_id,memory.total,memory.free,utilization.gpu,name",
            "--format=csv,noheader,nounits");

    // "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-...)" and "  MIG 3g.40gb     Device  0: (UUID: MIG-...)"
    private static final Pattern GPU_LINE = Pattern.compile("^GPU (\\d+): (.+) \\(UUID: (GPU-[0-9a-fA-F-]+)\\)\\s*$");
    private static final Pattern MIG_LINE = Pattern.compile("^\\s+MIG (\\S+)\\s+Device\\s+(\\d+): \\(UUID: (MIG-[^)]+)\\)\\s*$");

    private NvidiaSmiParser() {}

    /** Combines the CSV figures with the MIG instances of {@code -L}, keyed by GPU UUID. */
    public static List<GpuInfo> parse(String queryCsv, String listOutput) {
        Map<String, List<GpuInfo.MigDevice>> migs = parseMig(listOutput);
        List<GpuInfo> gpus = new ArrayList<>();
        for (GpuInfo g : parseQuery(queryCsv)) {
            gpus.add(new GpuInfo(g.index(), g.uuid(), g.name(), g.pciDeviceId(), g.memoryTotalMib(), g.memoryFreeMib(),
                    g.utilization(), migs.getOrDefault(g.uuid(), List.of())));
        }
        return gpus;
    }

    /** Parses the CSV of {@link #QUERY_ARGS}; blank lines are skipped, a malformed line throws. */
    public static List<GpuInfo> parseQuery(String csv) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", 7);
            if (f.length != 7) {
                throw new IllegalArgumentException("unexpected nvidia-smi CSV line: " + line);
            }
            gpus.add(new GpuInfo(Integer.parseInt(f[0].strip()), f[1].strip(), f[6].strip(), pciId(f[2].strip()),
                    mib(f[3]), mib(f[4]), percent(f[5]), List.of()));
        }
        return gpus;
    }

    /** MIG instances per parent GPU UUID, from {@code nvidia-smi -L}. */
    static Map<String, List<GpuInfo.MigDevice>> parseMig(String listOutput) {
        Map<String, List<GpuInfo.MigDevice>> migs = new LinkedHashMap<>();
        String current = null;
        for (String line : listOutput.split("\\R")) {
            Matcher g = GPU_LINE.matcher(line);
            if (g.matches()) {
                current = g.group(3);
                continue;
            }
            Matcher m = MIG_LINE.matcher(line);
            if (m.matches() && current != null) {
                migs.computeIfAbsent(current, k -> new ArrayList<>())
                        .add(new GpuInfo.MigDevice(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        return migs;
    }

    /** {@code 0x233010DE} (device in the high 16 bits, vendor in the low) to NIM's {@code 2330:10de}. */
    static String pciId(String raw) {
        String hex = raw.toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        if (hex.length() != 8) {
            return hex;
        }
        return hex.substring(0, 4) + ":" + hex.substring(4);
    }

    private static long mib(String field) {
        String s = field.strip();
        return s.startsWith("[") ? 0 : Long.parseLong(s);
    }

    private static OptionalInt percent(String field) {
        String s = field.strip();
        return s.startsWith("[") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
    }
}
