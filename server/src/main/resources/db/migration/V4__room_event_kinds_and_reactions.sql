-- Room events beyond messages (protocol 1.2): 'edit', 'delete' and 'reaction', each about the
-- message at offset target. A message's state lives on its row: text holds its current text (the
-- last edit's, so that search matches what members see), sent_text its text as sent once an edit
-- replaced it (the room's log answers it), edited the last edit's ts. A delete sets deleted and
-- erases the text of the message and of its edit events; tsv follows text.
alter table room_events
    add column target    bigint,
    add column reply_to  bigint,
    add column emoji     text,
    add column added     boolean,
    add column sent_text text,
    add column edited    bigint,
    add column deleted   boolean not null default false;

-- Search reads messages alone (the index without GIN's pending list, as V2_1 made it); the edits
-- of a message are found when it is deleted; answers with the messages alone (history, joined)
-- page through them without walking the other events. (V3 is main's direct_messages_taken.)
drop index room_events_tsv;
create index room_events_tsv on room_events using gin (tsv) with (fastupdate = off) where kind = 'message';
create index room_events_edits on room_events (room, target) where kind = 'edit';
create index room_events_messages on room_events (room, "offset") where kind = 'message';

-- The reactions that are on: one row per message, emoji and user (reactor: the nick in lower case,
-- as nicks compare; nick: as the user spelled it). "offset": the reaction event that turned it on,
-- which orders emoji and nicks in answers. Gone with the message when retention deletes it.
create table reactions (
    room     text not null,
    target   bigint not null,
    emoji    text not null,
    reactor  text not null,
    nick     text not null,
    "offset" bigint not null,
    primary key (room, target, emoji, reactor),
    foreign key (room, target) references room_events (room, "offset") on delete cascade
);
