/** JSON to and from Netty buffers: commands are read with the protocol's decoder, events written here. */
package dev.parley.server.codec;
