package dev.parley.protocol;

/** The limits a server announces in {@code welcome}. */
public record Limits(int maxFrameBytes, int maxTextChars, int maxRooms, int ratePerSec, int burst) {
}
