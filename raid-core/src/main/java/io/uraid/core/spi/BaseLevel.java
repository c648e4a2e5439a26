package io.uraid.core.spi;

/**
 * The facts every level states the same way: its md number, name, fewest disks, whether it is
 * redundant and its default layout word. Subclasses add their layout, their I/O and when an
 * array of theirs can still serve.
 */
public abstract class BaseLevel implements RaidLevel {
    private final int mdLevel;
    private final String name;
    private final int minDisks;
    private final boolean redundant;
    private final int defaultLayout;

    protected BaseLevel(int mdLevel, String name, int minDisks, boolean redundant, int defaultLayout) {
        this.mdLevel = mdLevel;
        this.name = name;
        this.minDisks = minDisks;
        this.redundant = redundant;
        this.defaultLayout = defaultLayout;
    }

    @Override
    public final int mdLevel() {
        return mdLevel;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int minDisks() {
        return minDisks;
    }

    @Override
    public final boolean redundant() {
        return redundant;
    }

    @Override
    public final int defaultLayout() {
        return defaultLayout;
    }
}
