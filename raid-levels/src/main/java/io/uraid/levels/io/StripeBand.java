package io.uraid.levels.io;

import io.uraid.levels.parity.ParityLayout;

/**
 * One band of a parity write plan as its {@link StripeLog} sees it: rows
 * {@code [rowFrom, rowTo)} of stripe {@code stripe} (member offset
 * {@code memberOffset() + row} on every member), which data chunks the request writes there and
 * where the bytes are. Filled by the write plan just before it asks the log; valid only during
 * that call (one reused instance, nothing allocated).
 */
public final class StripeBand {
    private final ParityLayout layout;
    private final int[] from;
    private final int[] to;
    private final long[] client;
    private final long[] scratch;
    long stripe;
    int rowFrom;
    int rowTo;
    int mode;

    StripeBand(ParityLayout layout) {
        this.layout = layout;
        this.from = new int[layout.dataDisks()];
        this.to = new int[layout.dataDisks()];
        this.client = new long[layout.dataDisks()];
        this.scratch = new long[layout.raidDisks()];
    }

    public ParityLayout layout() {
        return layout;
    }

    public long stripe() {
        return stripe;
    }

    /** Member offset (within the data area) of row 0 of the stripe. */
    public long memberOffset() {
        return layout.memberOffsetOfStripe(stripe);
    }

    /** First row of the band the plan reads and writes (rows are bytes within the stripe's chunks). */
    public int rowFrom() {
        return rowFrom;
    }

    /** End row (exclusive). */
    public int rowTo() {
        return rowTo;
    }

    /** True for read-modify-write: the scratch of each written chunk's role holds its old data, the parity roles' their old parity. */
    public boolean readModifyWrite() {
        return mode == PlanState.RMW;
    }

    /**
     * True for reconstruct-write: the scratch of each data role holds the rows of
     * {@code [rowFrom, rowTo)} the request does not write (the written ones are undefined).
     */
    public boolean reconstructWrite() {
        return mode == PlanState.RCW;
    }

    /** True when members are missing and the scratch of every in-sync role holds all of its band's rows. */
    public boolean rebuilding() {
        return mode == PlanState.REBUILD;
    }

    /** True when the request writes rows of data chunk {@code dataIndex} in this band. */
    public boolean written(int dataIndex) {
        return to[dataIndex] > from[dataIndex];
    }

    /** First row of data chunk {@code dataIndex} the request writes (see {@link #written}). */
    public int writtenFrom(int dataIndex) {
        return from[dataIndex];
    }

    public int writtenTo(int dataIndex) {
        return to[dataIndex];
    }

    /** Native address of the new data of row {@link #writtenFrom} of data chunk {@code dataIndex}. */
    public long newData(int dataIndex) {
        return client[dataIndex];
    }

    /** Native address of row {@link #rowFrom} in the plan's scratch buffer for {@code role}. */
    public long scratch(int role) {
        return scratch[role];
    }

    void set(int dataIndex, int rowsFrom, int rowsTo, long clientAddress) {
        from[dataIndex] = rowsFrom;
        to[dataIndex] = rowsTo;
        client[dataIndex] = clientAddress;
    }

    void scratch(int role, long address) {
        scratch[role] = address;
    }
}
