-- taken: a pending message sent to a session of its recipient in a chunk of its stored messages,
-- not yet confirmed by the socket (then pending = false). A live delivery claims only a message
-- that is pending and not taken, so one taken in a chunk is never delivered live too; the next
-- hello takes pending messages whether taken or not, so a chunk whose session or node ended before
-- the confirmation comes again.
alter table direct_messages add column taken boolean not null default false;
