package dev.parley.protocol;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable buffer of UTF-8 JSON with the writes of {@link HotJson}; strings are escaped as
 * Jackson's UTF-8 generator escapes them, so both paths give the same bytes. An
 * {@link OutputStream} too, for the generic path.
 *
 * <p>Not thread-safe: a thread takes its own with {@link #ofThisThread()}.
 */
public final class JsonBytes extends OutputStream {
    private static final int INITIAL_BYTES = 1024;
    private static final long BILLION = 1_000_000_000L;
    /** A buffer grown past this for a rare large value is not kept for the thread's next one. */
    private static final int MAX_KEPT_BYTES = 64 * 1024;
    private static final ThreadLocal<JsonBytes> PER_THREAD = ThreadLocal.withInitial(JsonBytes::new);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** For each ASCII char: 0 written as is, -1 as a backslash-u escape, else the letter after a backslash. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        Arrays.fill(ESCAPES, 0, 0x20, (byte) -1);
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private byte[] bytes = new byte[INITIAL_BYTES];
    private int size;

    /** This thread's buffer, emptied; valid until the thread's next call. */
    public static JsonBytes ofThisThread() {
        JsonBytes out = PER_THREAD.get();
        if (out.bytes.length > MAX_KEPT_BYTES) {
            out.bytes = new byte[INITIAL_BYTES];
        }
        out.size = 0;
        return out;
    }

    /** The bytes written are {@code array()[0 .. size())}. */
    public byte[] array() {
        return bytes;
    }

    public int size() {
        return size;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /**
     * A JSON integer. Written in int chunks of nine digits: a long division costs tens of cycles
     * where an int division by a constant is a multiplication, and ids and times have 13 to 19 digits.
     */
    void number(long value) {
        if (value < 0) {
            byte[] digits = Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            write(digits, 0, digits.length);
            return;
        }
        ensure(19);
        if (value < BILLION) {
            digits((int) value);
            return;
        }
        long high = value / BILLION;
        if (high < BILLION) {
            digits((int) high);
        } else {
            long top = high / BILLION;
            digits((int) top);
            nineDigits((int) (high - top * BILLION));
        }
        nineDigits((int) (value - high * BILLION));
    }

    /** {@code value}, below a billion, without zeros in front. */
    private void digits(int value) {
        int count = 1;
        for (int bound = 10; value >= bound; bound *= 10) {
            count++;
        }
        fill(value, count);
    }

    private void nineDigits(int value) {
        fill(value, 9);
    }

    /** {@code value}'s last {@code count} digits, zeros in front. */
    private void fill(int value, int count) {
        int end = size + count;
        for (int i = end - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size = end;
    }

    /** A JSON string: quoted, escaped as Jackson's UTF-8 generator does (every surrogate as an escape). */
    void string(String text) {
        int length = text.length();
        ensure(length * 6 + 2);
        byte[] out = bytes;
        int at = size;
        out[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape == 0) {
                    out[at++] = (byte) c;
                } else if (escape > 0) {
                    out[at++] = '\\';
                    out[at++] = escape;
                } else {
                    at = unicodeEscape(out, at, c);
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | c >> 6);
                out[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                at = unicodeEscape(out, at, c);
            } else {
                out[at++] = (byte) (0xE0 | c >> 12);
                out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        out[at++] = '"';
        size = at;
    }

    private static int unicodeEscape(byte[] out, int at, char c) {
        out[at++] = '\\';
        out[at++] = 'u';
        out[at++] = HEX[c >> 12 & 0xF];
        out[at++] = HEX[c >> 8 & 0xF];
        out[at++] = HEX[c >> 4 & 0xF];
        out[at++] = HEX[c & 0xF];
        return at;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
