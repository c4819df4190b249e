-- The search index takes each message's words as it is inserted instead of through GIN's pending
-- list: with the list (fastupdate, the default) the insert that finds it past gin_pending_list_limit
-- merges it into the index, and that transaction, with every send in it, waits for the merge. Off,
-- the writer's commits are steadier and no slower (docs/benchmarks.md, "Where the time goes").
alter index room_events_tsv set (fastupdate = off);
-- What an existing list holds goes into the index now rather than on a later insert.
select gin_clean_pending_list('room_events_tsv'::regclass);
