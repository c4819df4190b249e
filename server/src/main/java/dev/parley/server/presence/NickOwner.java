package dev.parley.server.presence;

/** The session that holds a nick, and the secret that lets a reconnecting client take it over. */
public record NickOwner(String sessionId, String resumeSecret) {
}
