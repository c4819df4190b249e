/**
 * What the node's backends (Redis today) share with the layers above them: the failure of a
 * request because a backend is out of reach, which sessions and the server API answer with
 * {@code unavailable}.
 */
package dev.parley.server.backend;
