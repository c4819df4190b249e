/**
 * Requests to the application's backend (version 1.2's hooks): {@link dev.parley.server.hooks.HookClient},
 * every request signed with the {@link dev.parley.server.hooks.HookSecret} as Standard Webhooks says.
 */
package dev.parley.server.hooks;
