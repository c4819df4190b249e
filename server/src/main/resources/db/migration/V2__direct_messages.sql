-- Direct messages, stored with auth on. A conversation is its two users: their nicks in lower case
-- (nicks compare case-insensitively), the lesser first, joined by ':' (which no nick holds), so
-- that alice's and bob's is 'alice:bob' whoever writes. top: the conversation's latest seq. The
-- row is never deleted, so that a seq is never used twice.
create table dm_conversations (
    conversation text primary key,
    top          bigint not null default 0
);

-- Every stored direct message in seq order. sender and recipient as the sender spelled them.
-- pending: stored for a recipient who was not connected, until a hello of the recipient has
-- received it. id: the order of storing, across conversations, in which pending ones are delivered.
create table direct_messages (
    conversation text not null,
    seq          bigint not null,
    id           bigint generated always as identity,
    sender       text not null,
    recipient    text not null,
    text         text not null,
    ts           bigint not null,
    pending      boolean not null,
    primary key (conversation, seq)
);

create index direct_messages_pending on direct_messages (lower(recipient), id) where pending;
