package io.uraid.cli.cmd;

import io.uraid.core.assembly.GrowSpec;
import io.uraid.io.Sizes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid grow NAME --raid-devices N | --size max|SIZE | --bitmap internal|none}: mdadm --grow on a running array. */
@Command(name = "grow", mixinStandardHelpOptions = true,
        description = {"Change the shape of a running array, one thing at a time, as mdadm --grow does:",
            "--raid-devices N (raid1): add mirror slots (a waiting spare takes a new slot and is rebuilt; without one "
                + "the slot stays empty) or drop vacant ones (fail and remove a mirror first; faulty members are "
                + "removed on the way);",
            "--size max|SIZE (raid1): the space used on each member; the new space is resynced; shrinking needs "
                + "--array-size with the new size;",
            "--bitmap internal|none: add or remove the internal write-intent bitmap.",
            "NBD clients stay connected and see a short pause while the array is assembled in its new shape."})
public final class GrowCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Option(names = {"-n", "--raid-devices"}, paramLabel = "N", description = "New number of raid devices (raid1).")
    private Integer raidDevices;

    @Option(names = {"-z", "--size"}, paramLabel = "max|SIZE",
            description = "Space to use on each member: max, or a size (a plain number is KiB, as mdadm).")
    private String size;

    @Option(names = "--array-size", paramLabel = "SIZE",
            description = "Confirms the array size a --size that shrinks the array leaves (data beyond it is lost).")
    private String arraySize;

    @Option(names = {"-b", "--bitmap"}, paramLabel = "internal|none", description = "Add or remove the internal bitmap.")
    private String bitmap;

    @Option(names = "--bitmap-chunk", paramLabel = "SIZE",
            description = "Bytes of data per bit of a bitmap added (a plain number is KiB; default as mdadm: 64M or more).")
    private String bitmapChunk;

    @Override
    List<String> words() {
        GrowSpec spec = new GrowSpec(raidDevices == null ? 0 : checkedDisks(raidDevices),
                size == null ? -1 : size.trim().equalsIgnoreCase("max") ? GrowSpec.MAX : kib(size, "--size"),
                arraySize == null ? -1 : kib(arraySize, "--array-size"),
                bitmap == null ? null : bitmap.trim().toLowerCase(java.util.Locale.ROOT),
                bitmapChunk == null ? 0 : CreateArgs.sizeBytes(bitmapChunk, "--bitmap-chunk"));
        List<String> w = new ArrayList<>(List.of("grow", name));
        w.addAll(spec.words());
        return w;
    }

    private static int checkedDisks(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--raid-devices must be at least 1: " + n);
        }
        return n;
    }

    /** A size as mdadm takes it: a plain number is KiB; K, M, G, T suffixes. */
    private static long kib(String text, String option) {
        String t = text.trim();
        try {
            long bytes = t.chars().allMatch(Character::isDigit) ? Math.multiplyExact(Long.parseLong(t), 1024L)
                    : Sizes.parse(t);
            if (bytes <= 0) {
                throw new IllegalArgumentException();
            }
            return bytes;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + text + "' (examples: max, 102400, 100M, 2G)");
        }
    }
}
