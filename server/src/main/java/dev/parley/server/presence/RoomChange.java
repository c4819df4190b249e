package dev.parley.server.presence;

/**
 * The outcome of a join or leave in {@link Presence}: whether it {@code changed} the member list
 * (false when the nick was already in, or already out), and the room's {@code members} afterwards.
 * Only a change is announced, so that each join and leave is told once.
 */
public record RoomChange(boolean changed, int members) {
}
