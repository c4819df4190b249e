package dev.parley.server.presence;

/** {@link MemoryPresence}: one node, so every "node" of the contract is the same presence. */
class MemoryPresenceTest extends PresenceContract {
    private final MemoryPresence presence = new MemoryPresence();

    @Override
    Presence node(int index) {
        return presence;
    }
}
