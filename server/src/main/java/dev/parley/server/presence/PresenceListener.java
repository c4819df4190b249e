package dev.parley.server.presence;

import java.util.concurrent.CompletableFuture;

/**
 * What a clustered {@link Presence} asks of this node's hub: to announce members that another
 * node stopped keeping alive, and to evict local sessions whose nick has moved elsewhere.
 * Called on any thread; must not block.
 */
public interface PresenceListener {

    /**
     * This node removed {@code nick} from {@code room} because the nodes that held its sessions there
     * stopped refreshing them (they died). Exactly one node sees each removal, so this is where the room is
     * told {@code leave}.
     */
    void memberExpired(String room, String nick);

    /**
     * The local session {@code sessionId} lost its claim of its nick (to a resume on any node):
     * it must leave its rooms and close with 4009. Completes once its rooms are left, or at once
     * when no such session lives here.
     */
    CompletableFuture<Void> evict(String sessionId);
}
