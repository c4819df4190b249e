-- Webhooks waiting for the application's backend (protocol 1.2's hooks), with durable history:
-- a room event's row is written by the group-commit writer in the transaction that stores the
-- event, a join's, leave's or session's by a small write of its own. The row holds the whole body,
-- so retention never takes anything from under it; it is deleted once the backend answered 2xx.
-- lane: 'room:<name>' for the webhooks that name a room, delivered one at a time in seq order
-- (which is the room's offset order: its events' transactions hold the room's row while they
-- insert); 'id:<id>' for the others, each a lane of its own.
create table webhook_outbox (
    seq      bigserial primary key,
    lane     text not null,
    id       text not null,
    type     text not null,
    body     text not null,
    made     timestamptz not null default now(),
    attempts int not null default 0
);
create index webhook_outbox_lanes on webhook_outbox (lane, seq);

-- Which node delivers a lane: taken by a node when it has no holder or its lease has expired (a
-- node that died), renewed by its holder before each attempt, deleted once the lane is empty.
create table webhook_leases (
    lane    text primary key,
    holder  text not null,
    expires timestamptz not null
);
