/**
 * The server's settings: {@link dev.parley.server.config.ServerConfig} and
 * {@link dev.parley.server.config.SecurityConfig}, immutable records whose components each declare
 * one setting with {@link dev.parley.server.config.Setting}, and {@link dev.parley.server.config.Settings},
 * which turns them into command-line options with environment variables and back.
 */
package dev.parley.server.config;
