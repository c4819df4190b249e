package dev.parley.protocol;

/**
 * The limits a server announces in {@code welcome}. {@code presenceLimit}: in a room with more
 * members, joins and leaves are announced as {@code occupancy} instead of one {@code presence} each.
 * {@code recoverMax} (version 1.2): a {@code join} with {@code since} recovers at most this many
 * room events; past it {@code joined} is not recovered and says how many were {@code missed}.
 * {@code maxSessionsPerUser} (version 1.2): the sessions one user may hold at once, with auth (1
 * without: nicks are exclusive); one more gets {@code too_many_sessions}.
 */
public record Limits(int maxFrameBytes, int maxTextChars, int maxRooms, int ratePerSec, int burst, int presenceLimit,
                     int recoverMax, int maxSessionsPerUser) {
}
