/**
 * The Java client library for Parley: {@link dev.parley.client.ParleyClient} connects, keeps the
 * connection alive (heartbeat, reconnect with backoff, session resume, message recovery) and turns
 * requests into futures; a {@link dev.parley.client.ParleyListener} receives what the server
 * pushes. Wire types are the {@code dev.parley.protocol} records. The terminal client built on it
 * is in {@code dev.parley.client.cli}.
 */
package dev.parley.client;
