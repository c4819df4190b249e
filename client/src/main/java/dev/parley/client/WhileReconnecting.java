package dev.parley.client;

/** What {@link ParleyClient#connect} does with requests made while the connection is being made again. */
public enum WhileReconnecting {
    /** They wait for the new connection, each until its request timeout, at most {@link ClientOptions#maxWaitingRequests()} of them. */
    WAIT,
    /** They fail at once with a {@link ParleyConnectionException}. */
    FAIL
}
