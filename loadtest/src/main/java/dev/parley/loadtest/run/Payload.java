package dev.parley.loadtest.run;

/**
 * The text of a harness message: {@code t<intended send time in nanos>} padded with {@code x} to
 * the requested size. Senders and receivers live in one process, so a receiver subtracts the
 * intended time from its own {@link System#nanoTime()} and gets the latency including any time
 * the message waited to be sent (no coordinated omission).
 */
public final class Payload {
    /** Length of the longest header, {@code t-9223372036854775808}. */
    public static final int MAX_HEADER_CHARS = 21;
    /** What {@link #intendedNanos} returns for a text this harness did not write. */
    public static final long NOT_OURS = Long.MIN_VALUE;

    private Payload() {
    }

    /** The text for a message intended at {@code intendedNanos}, at least {@code size} chars long. */
    public static String text(long intendedNanos, int size) {
        StringBuilder text = new StringBuilder(Math.max(size, MAX_HEADER_CHARS)).append('t').append(intendedNanos);
        if (text.length() < size) {
            text.append(' ');
            while (text.length() < size) {
                text.append('x');
            }
        }
        return text.toString();
    }

    /** The intended send time carried by {@code text}, or {@link #NOT_OURS}. */
    public static long intendedNanos(String text) {
        if (text == null || text.length() < 2 || text.charAt(0) != 't') {
            return NOT_OURS;
        }
        int end = text.indexOf(' ');
        try {
            return Long.parseLong(text, 1, end < 0 ? text.length() : end, 10);
        } catch (NumberFormatException e) {
            return NOT_OURS;
        }
    }
}
