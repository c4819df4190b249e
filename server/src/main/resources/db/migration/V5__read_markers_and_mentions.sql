-- Read state (protocol 1.2). A user's read marker in a room: reader is the nick in lower case (as
-- nicks compare), last_read the offset it read up to, never past the room's top when written.
create table read_markers (
    reader    text not null,
    room      text not null,
    last_read bigint not null,
    primary key (reader, room)
);

-- Who each message's current text mentions, the sender left out: written by the group-commit
-- writer in the transaction that stores the message (an edit replaces the rows, a delete removes
-- them), gone with the message when retention deletes it. The primary key serves that cascade,
-- mentions_unread counts a user's mentions after its marker.
create table mentions (
    room     text not null,
    "offset" bigint not null,
    nick     text not null,
    primary key (room, "offset", nick),
    foreign key (room, "offset") references room_events (room, "offset") on delete cascade
);
create index mentions_unread on mentions (nick, room, "offset");

-- What an unread count reads: the messages that are not deleted, with their senders (to leave the
-- user's own out) in the index, so that a count walks only the entries after the marker, and from
-- the index alone once vacuum has marked the pages all-visible.
create index room_events_unread on room_events (room, "offset") include (sender)
    where kind = 'message' and not deleted;
