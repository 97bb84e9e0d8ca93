package io.gantry.store;

/** The requested revision is older than the oldest kept one ("too old"). */
public final class CompactedException extends StoreException {
    private final long requested;
    private final long compacted;

    public CompactedException(long requested, long compacted) {
        super("revision " + requested + " is compacted (oldest kept: " + (compacted + 1) + ")", null);
        this.requested = requested;
        this.compacted = compacted;
    }

    public long requested() {
        return requested;
    }

    public long compacted() {
        return compacted;
    }
}
