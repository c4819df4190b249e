package dev.parley.protocol;

/**
 * A position in one history of a room: the {@code epoch} names the history, the {@code offset}
 * the last message seen in it (0 before the first message). Sent in {@code join} as {@code since}.
 */
public record StreamPosition(String epoch, long offset) {
}
