package dev.parley.server.store;

/**
 * The {@link GroupCommitWriter} stored nothing for a {@link NewEvent}: its target is not a kept,
 * not deleted message ({@link Reason#NOT_FOUND}), is not its sender's ({@link Reason#FORBIDDEN}),
 * or would get one emoji too many ({@link Reason#TOO_MANY_EMOJI}).
 */
public final class EventRefused extends RuntimeException {
    /** Why. */
    public enum Reason { NOT_FOUND, FORBIDDEN, TOO_MANY_EMOJI }

    private final Reason reason;
    private final long target;

    public EventRefused(Reason reason, long target) {
        super(reason + " (message " + target + ")", null, false, false);
        this.reason = reason;
        this.target = target;
    }

    public Reason reason() {
        return reason;
    }

    public long target() {
        return target;
    }
}
