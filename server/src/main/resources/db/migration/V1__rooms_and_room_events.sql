-- A room's history: its name (epoch) and its latest offset. The row is made with the room's first
-- event (or first join) and never deleted, so that offsets are never reused and the epoch never
-- changes while the history is in the database.
create table rooms (
    room  text primary key,
    epoch text not null default ('e-' || substr(md5(gen_random_uuid()::text), 1, 16)),
    top   bigint not null default 0
);

-- Every room event in offset order. kind: 'message' (edit, delete and reaction come later).
-- tsv: the words of the text for search, 'simple' (no stemming, no stop words: any language).
create table room_events (
    room     text not null,
    "offset" bigint not null,
    kind     text not null,
    sender   text not null,
    text     text,
    ts       bigint not null,
    nonce    text,
    tsv      tsvector generated always as (to_tsvector('simple', coalesce(text, ''))) stored,
    primary key (room, "offset")
);

-- Idempotent sends: a nonce is used once per user (nicks compare case-insensitively) and room
-- while its message is kept.
create unique index room_events_nonce on room_events (room, lower(sender), nonce) where nonce is not null;

create index room_events_tsv on room_events using gin (tsv);
