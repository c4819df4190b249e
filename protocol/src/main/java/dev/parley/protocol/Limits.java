package dev.parley.protocol;

/**
 * The limits a server announces in {@code welcome}. {@code presenceLimit}: in a room with more
 * members, joins and leaves are announced as {@code occupancy} instead of one {@code presence} each.
 */
public record Limits(int maxFrameBytes, int maxTextChars, int maxRooms, int ratePerSec, int burst, int presenceLimit) {
}
