// Type declarations of parley.js (the public API it re-exports from its modules in parley/), the client of the
// Parley chat server (wire protocol version 1.2). One file: the modules change nothing public.

/** The WebSocket subprotocol of the wire protocol, version 1. */
export const SUBPROTOCOL: 'parley.v1';

/** The protocol's error codes, and the client's own (`timeout`, `disconnected`, `closed`, `overflow`). */
export type ErrorCode =
  | 'bad_json' | 'bad_request' | 'unknown_type' | 'not_ready' | 'nick_invalid' | 'nick_taken'
  | 'room_invalid' | 'not_member' | 'too_many_rooms' | 'text_too_long' | 'no_such_user'
  | 'rate_limited' | 'unauthorized' | 'forbidden' | 'unavailable' | 'internal'
  | 'not_found' | 'unsupported' | 'rejected' | 'too_many_sessions'
  | 'timeout' | 'disconnected' | 'closed' | 'overflow' | 'refresh_failed'
  | (string & {});

/** A request that failed: the server's `error` (`fromServer`), or the client's own reason. */
export class ParleyError extends Error {
  constructor(code: ErrorCode, message?: string, details?: { fromServer?: boolean; closeCode?: number; cause?: unknown });
  readonly name: 'ParleyError';
  readonly code: ErrorCode;
  /** True when the server answered `error`; the connection then stays usable. */
  readonly fromServer: boolean;
  /** The WebSocket close code, for `disconnected` and for `closed` when the server ended the session. */
  readonly closeCode?: number;
}

/** A WebSocket constructor as in browsers (the `ws` package's, or Node's global one, will do). */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ReconnectOptions {
  /** First delay, ms. Default 250. */
  initialDelay?: number;
  /** Longest delay, ms. Default 30000. */
  maxDelay?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Random part taken off each delay, 0 to 1. Default 0.5. */
  jitter?: number;
  /** Attempts before giving up (then `closed`); 0 for no limit. Default 0. */
  maxAttempts?: number;
}

export interface ClientOptions {
  /** 1–32 letters, digits, `_`, `-`, `.`. */
  nick: string;
  /** A JWT for servers that require one. */
  token?: string;
  /** Called for every `hello` and before the token expires (then sent as `refresh`); null/undefined: no token. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** A `resume` secret of an earlier session of this nick (its `welcome.resume`), to take it over. */
  resume?: string;
  /** The WebSocket constructor; default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect backoff, or false for none. */
  reconnect?: ReconnectOptions | false;
  /** Keep trying when the first connection cannot be made (default false: connect() rejects). */
  retryFirstConnect?: boolean;
  /** Requests made while reconnecting: 'wait' (default) for the connection, or 'fail' at once. */
  whileReconnecting?: 'wait' | 'fail';
  /** Per request, ms. Default 10000. */
  requestTimeout?: number;
  /** One connection attempt, from opening the socket to `welcome`, ms. Default 10000. */
  connectTimeout?: number;
  /** Silence after which the client sends `ping`, ms. Default: the server's `heartbeatMs`. */
  pingInterval?: number;
  /** No frame this long after that `ping` drops the connection, ms. Default 10000. */
  pongTimeout?: number;
  /** How long before the token's `exp` it is refreshed (at most half its remaining life), ms. Default 30000. */
  refreshBefore?: number;
  /** Requests waiting for a connection beyond this fail at once. Default 1000. */
  maxWaitingRequests?: number;
  /** Events an events() iterator may hold unread before it fails with `overflow`. Default 10000. */
  maxBufferedEvents?: number;
  /** Aborts connect(). */
  signal?: AbortSignal;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** ms; default the client's requestTimeout. */
  timeout?: number;
}

export interface Position {
  epoch: string;
  offset: number;
}

export interface Limits {
  maxFrameBytes: number;
  maxTextChars: number;
  maxRooms: number;
  ratePerSec: number;
  burst: number;
  presenceLimit?: number;
  /** Most room events a join with `since` recovers (version 1.2). */
  recoverMax?: number;
  /** Sessions one user may hold at once: with auth up to this many (version 1.2), 1 without. */
  maxSessionsPerUser?: number;
  [name: string]: unknown;
}

export interface Welcome {
  type: 'welcome';
  session: string;
  nick: string;
  resume: string;
  heartbeatMs: number;
  idleTimeoutMs: number;
  limits: Limits;
  server: string;
  /** When the session's token expires (seconds since the epoch), on servers with auth that say so. */
  exp?: number;
  /** The optional parts of the protocol the server offers, such as 'durable' and 'search' (version 1.2). */
  features?: string[];
  /** The user's read state, every room with a marker, from a server that offers 'read' (version 1.2). */
  unread?: UnreadRoom[];
}

/** The user's read state in one room (version 1.2). */
export interface UnreadRoom {
  room: string;
  /** The read marker: the offset up to which the user has read. */
  lastRead: number;
  /** Messages after the marker that others sent and that are not deleted. */
  unread: number;
  /** Those of them that mention the user. */
  mentions: number;
}

/** One emoji on a message: how many put it there, and (at most 20 of) who. */
export interface ReactionCount {
  emoji: string;
  count: number;
  nicks: string[];
}

/**
 * A room message. Live, and in the room's log, as it was sent; in `history`, `search` and a `joined`
 * that did not recover, with its current state (`edited`, `deleted`, `reactions`).
 */
export interface MessageEvent {
  type: 'message';
  room: string;
  offset: number;
  ts: number;
  from: string;
  /** Absent once the message was deleted. */
  text?: string;
  /** The offset of the message it answers (version 1.2). */
  replyTo?: number;
  /** Lower-case nicks its text mentions with `@nick` (version 1.2); absent when none. */
  mentions?: string[];
  /** The ts of its last edit; `text` is then the edited one. */
  edited?: number;
  deleted?: true;
  reactions?: ReactionCount[];
}

/** `from` edited their message at `target` (version 1.2); a room event with its own offset. */
export interface EditEvent {
  type: 'edit';
  room: string;
  offset: number;
  target: number;
  from: string;
  /** The new text; absent in the log once the message was deleted. */
  text?: string;
  mentions?: string[];
  ts: number;
}

/** `from` (the author, a moderator, or `system`) deleted the message at `target` (version 1.2). */
export interface DeleteEvent {
  type: 'delete';
  room: string;
  offset: number;
  target: number;
  from: string;
  ts: number;
}

/** `from` put `emoji` on the message at `target` (`on`), or took it off (version 1.2). */
export interface ReactionEvent {
  type: 'reaction';
  room: string;
  offset: number;
  target: number;
  from: string;
  emoji: string;
  on: boolean;
  ts: number;
}

/** Another session of the user moved its read marker in `room` to `offset` (version 1.2). */
export interface ReadEvent {
  type: 'read';
  room: string;
  offset: number;
}

/** An event of a room's log, as `joined` with `recovered` and `history` with `events: 'all'` list them. */
export type RoomEvent = MessageEvent | EditEvent | DeleteEvent | ReactionEvent;

export interface PresenceEvent {
  type: 'presence';
  room: string;
  event: 'join' | 'leave';
  nick: string;
  ts: number;
}

export interface OccupancyEvent {
  type: 'occupancy';
  room: string;
  members: number;
  ts: number;
}

export interface DmEvent {
  type: 'dm';
  from: string;
  to: string;
  text: string;
  ts: number;
  /** Where direct messages are stored (durable history with auth): its position in the conversation, from 1. */
  seq?: number;
  /** True on a direct message that was stored while the recipient was away, delivered after `welcome`. */
  stored?: boolean;
}

export interface TypingEvent {
  type: 'typing';
  room: string;
  nick: string;
}

/** After a re-join: messages between `since` and the next one delivered could not be recovered. */
export interface GapEvent {
  type: 'gap';
  room: string;
  /** The last message delivered before the gap. */
  since: Position;
  /** The room's history now, and its latest offset. */
  epoch: string;
  offset: number;
  /** The room's history was replaced (a new epoch, e.g. a restarted server): offsets start again. */
  historyLost: boolean;
  /** Room events left out because they were more than the server's recoverMax: fetch them with history `after`. */
  missed?: number;
}

export interface Joined {
  type: 'joined';
  room: string;
  epoch: string;
  offset: number;
  members: string[];
  /** Always present in version 1.1 (members may then list only some). */
  memberCount?: number;
  recovered: boolean;
  /** Recovered: every room event after `since`, in order; else the latest messages with their state. */
  messages: RoomEvent[];
  /** Not recovered because more than `limits.recoverMax` were missed: how many, before `messages` (version 1.2). */
  missed?: number;
}

/**
 * Every `joined` reply, the client's own re-joins included; `since` is what the join asked for.
 * Also a room the server put the client in (the connect hook's `join`): then without `id` and
 * `since`, and the room is tracked from then on as if the client had joined it.
 */
export interface JoinedEvent extends Joined {
  since?: Position;
}

/** A room the client could not re-join after a reconnect (`error` says why); it is no longer joined. */
export interface LeftEvent {
  type: 'left';
  room: string;
  error: ParleyError;
}

/** An `error` from the server that answers no request (e.g. a refused `typing`), or a failed token refresh. */
export interface ErrorEvent {
  type: 'error';
  /** The protocol's code; `refresh_failed` when getToken itself failed. */
  code: ErrorCode;
  message?: string;
  /** A ParleyError, or what getToken threw. */
  error: ParleyError | Error;
}

export type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface StateEvent {
  type: 'state';
  state: State;
  previous: State;
  /** connected: the welcome, and whether this is a reconnect (rooms re-joined by then). */
  welcome?: Welcome;
  reconnected?: boolean;
  /** connecting/reconnecting: when the next attempt starts (ms since the epoch), or null while one is under way. */
  retryAt?: number | null;
  /** connecting/reconnecting: failed attempts so far. */
  attempt?: number;
  /** The WebSocket close code and reason of the connection just lost (closed: when the server ended it). */
  code?: number;
  reason?: string;
  /** closed: why, or null after close(). */
  error?: ParleyError | Error | null;
}

export interface EventMap {
  message: MessageEvent;
  edit: EditEvent;
  delete: DeleteEvent;
  reaction: ReactionEvent;
  read: ReadEvent;
  presence: PresenceEvent;
  occupancy: OccupancyEvent;
  dm: DmEvent;
  typing: TypingEvent;
  gap: GapEvent;
  joined: JoinedEvent;
  left: LeftEvent;
  error: ErrorEvent;
  state: StateEvent;
}

export type EventType = keyof EventMap;
export type ParleyEvent = EventMap[EventType];

export interface Ack {
  type: 'ack';
  room?: string;
  /** The room event's offset: absent for a `dm`, a `read`, and a reaction that changed nothing. */
  offset?: number;
  ts: number;
}

export interface Left {
  type: 'left';
  room: string;
}

export interface Members {
  type: 'members';
  room: string;
  members: string[];
  /** The `after` of the next page, when there are more (version 1.1). */
  next?: string;
}

export interface Rooms {
  type: 'rooms';
  rooms: { room: string; members: number }[];
}

export interface History {
  type: 'history';
  room: string;
  epoch: string;
  /** Messages with their state; with `events: 'all'`, the room's log. */
  messages: RoomEvent[];
}

/** A page of a conversation (`historyWith`), oldest first. */
export interface DmHistory {
  type: 'history';
  with: string;
  messages: DmEvent[];
}

export interface Results {
  type: 'results';
  room: string;
  /** Newest first. */
  messages: MessageEvent[];
  /** The `before` of the next page, when there are more. */
  next?: number;
}

export interface Pong {
  type: 'pong';
  ts: number;
}

export interface Refreshed {
  type: 'refreshed';
  /** The new token's expiry, seconds since the epoch. */
  exp: number;
}

export class ParleyClient {
  constructor(url: string | URL, options: ClientOptions);
  readonly state: State;
  /** The last `welcome`, or null before the first. */
  readonly welcome: Welcome | null;
  readonly nick: string;
  /** The rooms the client is in (and re-joins after a reconnect). */
  readonly joinedRooms: string[];

  connect(options?: { signal?: AbortSignal }): Promise<Welcome>;
  join(room: string, options?: RequestOptions & { since?: Position }): Promise<Joined>;
  /** `forget`: remove the user's read marker in the room too (version 1.2). */
  leave(room: string, options?: RequestOptions & { forget?: boolean }): Promise<Left>;
  /** `replyTo`: the offset of the message it answers (version 1.2). */
  send(room: string, text: string, options?: RequestOptions & { replyTo?: number }): Promise<Ack>;
  /** Edits the user's own message at `offset` (version 1.2): `ack` with the edit's offset. */
  edit(room: string, offset: number, text: string, options?: RequestOptions): Promise<Ack>;
  /** Deletes the message at `offset` (version 1.2). */
  delete(room: string, offset: number, options?: RequestOptions): Promise<Ack>;
  /** Puts `emoji` on the message at `offset`, or takes it off with `on` false (version 1.2). */
  react(room: string, offset: number, emoji: string, on?: boolean, options?: RequestOptions): Promise<Ack>;
  /** Moves the user's read marker forward to `offset` (version 1.2): `ack` without offset. */
  markRead(room: string, offset: number, options?: RequestOptions): Promise<Ack>;
  /** The user's read state: every room with a marker (version 1.2). */
  unread(options?: RequestOptions): Promise<UnreadRoom[]>;
  /** This client's live model of `room`. */
  model(room: string): RoomModel;
  dm(to: string, text: string, options?: RequestOptions): Promise<Ack>;
  who(room: string, options?: RequestOptions & { after?: string; limit?: number }): Promise<Members>;
  rooms(options?: RequestOptions): Promise<Rooms>;
  history(room: string, options?: RequestOptions & { before?: number; after?: number; limit?: number; events?: 'messages' | 'all' }): Promise<History>;
  historyWith(nick: string, options?: RequestOptions & { before?: number; after?: number; limit?: number }): Promise<DmHistory>;
  search(room: string, query: string, options?: RequestOptions & { before?: number; limit?: number }): Promise<Results>;
  ping(options?: RequestOptions): Promise<Pong>;
  refresh(token?: string, options?: RequestOptions): Promise<Refreshed>;
  /** False when not connected: typing is never queued. */
  typing(room: string): boolean;
  reconnectNow(): void;
  close(): Promise<void>;

  on<K extends EventType>(type: K, listener: (event: EventMap[K]) => void): () => void;
  off<K extends EventType>(type: K, listener: (event: EventMap[K]) => void): void;
  events<K extends EventType = EventType>(options?: { types?: K[]; signal?: AbortSignal }): AsyncIterableIterator<EventMap[K]>;
}

/** A message as a RoomModel holds it: its current state. */
export interface MessageState {
  readonly room: string;
  readonly offset: number;
  readonly ts: number;
  readonly from: string;
  /** Null once deleted. */
  readonly text: string | null;
  readonly replyTo: number | null;
  /** The ts of its last edit, or null. */
  readonly edited: number | null;
  readonly deleted: boolean;
  /** In the order the emoji were first put on; `nicks` at most 20, `count` counts all. */
  readonly reactions: readonly Readonly<ReactionCount>[];
  /** Lower-case nicks its current text mentions. */
  readonly mentions: readonly string[];
}

export interface ReadState {
  lastRead: number | null;
  unread: number;
  mentions: number;
}

export interface RoomModelEventMap {
  /** A message added or changed; `event` is what changed it (a room event, or a message of an answer). */
  change: { type: 'change'; message: MessageState; event: RoomEvent };
  /** The messages were replaced (a join, or one that did not recover). */
  reset: { type: 'reset'; messages: MessageState[]; epoch: string };
  /** The read state changed (or was told again). */
  unread: { type: 'unread' } & ReadState;
}

/** A room's messages with their current state, and the user's read state in it. */
export class RoomModel {
  /** `nick`: the user, whose own messages are never unread. */
  constructor(room: string, options?: { nick?: string });
  readonly room: string;
  readonly epoch: string | null;
  /** The offset of the last room event applied. */
  readonly offset: number;
  /** In offset order (a copy). */
  readonly messages: MessageState[];
  readonly lastRead: number | null;
  readonly unread: number;
  readonly mentions: number;
  /** Whether `unread` and `mentions` are counted from the messages held (the marker is within them), else the server's figures. */
  readonly counted: boolean;
  get(offset: number): MessageState | undefined;
  /** Applies a room event, `joined`, `read` or `left`; anything else changes nothing. */
  apply(event: RoomEvent | JoinedEvent | Joined | ReadEvent | { type: 'left'; room: string } | { type: string }): void;
  /** Adds the message states it lacks (older `history` pages). */
  load(messages: MessageEvent[]): void;
  /** The server's read state of the room, or null for none. */
  setReadState(entry: { lastRead: number; unread: number; mentions: number } | null): void;
  on<K extends keyof RoomModelEventMap>(type: K, listener: (event: RoomModelEventMap[K]) => void): () => void;
  off<K extends keyof RoomModelEventMap>(type: K, listener: (event: RoomModelEventMap[K]) => void): void;
}

/** Connects and resolves with the client once the server welcomed it. */
export function connect(url: string | URL, options: ClientOptions): Promise<ParleyClient>;
