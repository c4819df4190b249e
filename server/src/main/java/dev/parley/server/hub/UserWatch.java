package dev.parley.server.hub;

import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link Hub} asks for a user's direct messages while the user has sessions here: the
 * node's broker. Both are called inside the hub's update of the user's sessions, so that for one
 * user they come in the order of its logins and logouts.
 */
public interface UserWatch {

    /** A session of {@code nick} logged in here; completes once its direct messages reach this node. */
    CompletableFuture<Void> watchUser(String nick);

    /** The last local session of {@code nick} is gone. */
    void unwatchUser(String nick);
}
