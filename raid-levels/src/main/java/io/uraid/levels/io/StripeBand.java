package io.uraid.levels.io;

import io.uraid.levels.parity.ParityLayout;

/**
 * One band of a parity write plan as its {@link StripeLog} sees it: rows
 * {@code [rowFrom, rowTo)} of stripe {@code stripe} (member offset
 * {@code memberOffset() + row} on every member), which data chunks the plan writes there and
 * where the bytes are. Filled by the write plan just before it asks the log; valid only during
 * that call (one reused instance, nothing allocated).
 *
 * <p>A plan may serve several requests gathered in the stripe cache: the rows a data chunk is
 * written are then the hull of their pieces ({@link #writtenFrom}, {@link #writtenTo}), which may
 * leave rows between them unwritten ({@link #gaps}: those keep their bytes, which both ways of
 * computing parity read); each piece is one run of rows of one chunk from one client buffer.
 */
public final class StripeBand {
    private final ParityLayout layout;
    private final int[] from;
    private final int[] to;
    private final long[] client;
    private final long[] scratch;
    private final int[] pieceCount;
    private final int[] covered;
    private final int[] pieceData;
    private final int[] pieceFrom;
    private final int[] pieceTo;
    private final long[] pieceAddress;
    private final int[] pieceRequest;
    private int pieces;
    long stripe;
    int rowFrom;
    int rowTo;
    int mode;
    /** REBUILD: the roles whose rows the band read (bit per role); the others are recreated. */
    long readRoles;

    /** A rebuilding band: the roles whose rows it read (bit per role), whatever the members' state is now. */
    public long readRoles() {
        return readRoles;
    }

    StripeBand(ParityLayout layout) {
        this.layout = layout;
        this.from = new int[layout.dataDisks()];
        this.to = new int[layout.dataDisks()];
        this.client = new long[layout.dataDisks()];
        this.scratch = new long[layout.raidDisks()];
        this.pieceCount = new int[layout.dataDisks()];
        this.covered = new int[layout.dataDisks()];
        // Pieces never overlap: a request's pieces plus a cut at each chunk boundary, at most.
        int most = io.uraid.core.plan.Legs.MAX_JOINED + 1 + layout.dataDisks();
        this.pieceData = new int[most];
        this.pieceFrom = new int[most];
        this.pieceTo = new int[most];
        this.pieceAddress = new long[most];
        this.pieceRequest = new int[most];
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

    /**
     * Native address of the new data of row {@link #writtenFrom} of data chunk {@code dataIndex}
     * when one piece covers its written rows ({@link #onePiece}); otherwise see the pieces.
     */
    public long newData(int dataIndex) {
        return client[dataIndex];
    }

    /** True when one client buffer holds every written row of data chunk {@code dataIndex}. */
    public boolean onePiece(int dataIndex) {
        return pieceCount[dataIndex] == 1;
    }

    /** True when rows between {@link #writtenFrom} and {@link #writtenTo} of the chunk are not written. */
    public boolean gaps(int dataIndex) {
        return covered[dataIndex] < to[dataIndex] - from[dataIndex];
    }

    /** Pieces of new data in the band: runs of rows of one data chunk from one client buffer, none overlapping. */
    public int pieces() {
        return pieces;
    }

    /** The data chunk (data index) piece {@code i} writes. */
    public int pieceData(int i) {
        return pieceData[i];
    }

    public int pieceFrom(int i) {
        return pieceFrom[i];
    }

    public int pieceTo(int i) {
        return pieceTo[i];
    }

    /** Native address of the new bytes of row {@link #pieceFrom} of piece {@code i}. */
    public long pieceAddress(int i) {
        return pieceAddress[i];
    }

    /** Which of the plan's requests piece {@code i} comes from (its index in {@code Plan.request(int)}). */
    public int pieceRequest(int i) {
        return pieceRequest[i];
    }

    /** Forgets the pieces: every data chunk unwritten. */
    void clear() {
        pieces = 0;
        for (int dd = 0; dd < from.length; dd++) {
            from[dd] = 0;
            to[dd] = 0;
            client[dd] = 0;
            pieceCount[dd] = 0;
            covered[dd] = 0;
        }
    }

    /** Rows {@code [rowsFrom, rowsTo)} of data chunk {@code dataIndex} come from {@code address}, of request {@code request}. */
    void add(int dataIndex, int rowsFrom, int rowsTo, long address, int request) {
        pieceRequest[pieces] = request;
        pieceData[pieces] = dataIndex;
        pieceFrom[pieces] = rowsFrom;
        pieceTo[pieces] = rowsTo;
        pieceAddress[pieces] = address;
        pieces++;
        if (pieceCount[dataIndex]++ == 0) {
            from[dataIndex] = rowsFrom;
            to[dataIndex] = rowsTo;
            client[dataIndex] = address;
        } else {
            from[dataIndex] = Math.min(from[dataIndex], rowsFrom);
            to[dataIndex] = Math.max(to[dataIndex], rowsTo);
        }
        covered[dataIndex] += rowsTo - rowsFrom;
    }

    /** Native address of row {@link #rowFrom} in the plan's scratch buffer for {@code role}. */
    public long scratch(int role) {
        return scratch[role];
    }

    void scratch(int role, long address) {
        scratch[role] = address;
    }
}
