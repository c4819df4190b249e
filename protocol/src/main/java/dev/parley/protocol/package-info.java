/**
 * The Parley wire protocol, version 1: immutable wire types, their JSON codec and the protocol's
 * constants (close codes, error codes, name rules). Shared by the server, the Java client and the
 * load-test harness; it depends on Jackson only. The contract is {@code docs/protocol.md}.
 *
 * <p>Client commands implement {@link dev.parley.protocol.Command} and are decoded strictly by
 * {@link dev.parley.protocol.CommandDecoder}; server events implement
 * {@link dev.parley.protocol.ServerEvent} and are read leniently by {@link dev.parley.protocol.ParleyJson}.
 */
package dev.parley.protocol;
