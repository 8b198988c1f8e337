// The durable stores the routes use. Routes never know which engine is behind them: the one SQL
// implementation (create-sql-*-store.ts) runs on embedded PGlite and on PostgreSQL alike.

import type {
  ActivityRange,
  AppActivity,
  LoggedConversation,
  LoggedConversationDetail,
} from '../../contract/activity.ts';
import type { FeedbackSummary, FeedbackType } from '../../contract/feedback.ts';
import type { ActivityCount, ActivityKind } from '../activity/create-activity-recorder.ts';
import type { App } from '../apps/app.ts';
import type { ApiKeyRecord, KeyType, KeyUsage, Scope } from '../keys/api-key.ts';

export type { FeedbackSummary, FeedbackType, NegativeFeedback } from '../../contract/feedback.ts';

/** Apps, read from a cache on every request; changes reach every instance by change notice. */
export interface AppStore {
  get(id: string): App | undefined;
  list(tenantId: string, projectId: string): App[];
  /** Creates or replaces an app; resolves once it is durable. */
  put(app: App): Promise<void>;
  /** Removes an app; resolves to false when there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Creates the config file's apps that the database has never had. An app the file created
   * once belongs to the dashboard after that: its edits and its deletion survive restarts.
   * @returns the ids created now.
   */
  seed(apps: readonly App[]): Promise<string[]>;
  /**
   * Refuses the anonymous sessions of app `id` issued before `before`: every visitor's, or only
   * `sub`'s. Durable, and on every instance once its change notice arrives. A cutoff never moves
   * back: an earlier `before` than the one in force changes nothing.
   * @returns the cutoff now in force (ISO 8601), or undefined when there is no such app.
   */
  revokeSessions(id: string, before: Date, sub?: string): Promise<string | undefined>;
  /** Whether a token with these claims was revoked (from memory: no statement). */
  isSessionRevoked(claims: { app: string; sub: string; iat: number }): boolean;
  /** The least `iat` that `sub`'s own sign-out leaves valid (0 when never signed out). */
  firstValidSecondOfVisitor(app: string, sub: string): number;
}

/** What a new key is made of (validated by `parseApiKeyInput`). */
export interface ApiKeyInput {
  name: string;
  tenantId: string;
  projectId: string;
  agentId: string | null;
  scopes: Scope[];
  expiresAt: string | null;
  allowedIps: string[];
  rateLimit: number | null;
  /** Give the key a signing secret: its requests must then be signed. */
  signed: boolean;
  /** Default `service`. */
  type?: KeyType;
  /** The manage identity creating the key (default none). */
  createdBy?: string | null;
  /** Percent of the rate limit at which a usage alert fires (default none). */
  alertThreshold?: number | null;
}

/** What an update of a key may change (validated by `resolveApiKeyChanges`); absent = kept. */
export interface ApiKeyChanges {
  name?: string;
  allowedIps?: string[];
  rateLimit?: number | null;
  expiresAt?: string | null;
  alertThreshold?: number | null;
}

/** The outcome of checking a presented key. */
export type KeyCheck =
  | { ok: true; record: ApiKeyRecord }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** Stored API keys: created, listed, revoked, verified and counted. */
export interface ApiKeyStore {
  /** Creates a key; `key` (and `signingSecret`) are shown once and never stored in clear. */
  create(
    input: ApiKeyInput,
  ): Promise<{ key: string; record: ApiKeyRecord; signingSecret?: string }>;
  /** Keys with their usage as stored (pending counts of this instance flushed first). */
  list(tenantId?: string, projectId?: string): Promise<ApiKeyRecord[]>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Revokes at once, on every instance; false when there is no such key. */
  revoke(id: string): Promise<boolean>;
  /**
   * Changes a key's settings, on every instance at once. A new threshold or rate limit clears
   * `alertedAt` (the mark belonged to the old ones). A revoked key is never changed, even one
   * revoked after the caller read it.
   * @returns the key as now stored, or undefined when there is no such key.
   * @throws ProblemError 409 `key_revoked` when the key is revoked.
   */
  update(id: string, changes: ApiKeyChanges): Promise<ApiKeyRecord | undefined>;
  /** Marks that the key's use crossed its alert threshold at `at` (ISO 8601). */
  markAlerted(id: string, at: string): Promise<void>;
  /**
   * Checks `sk_<publicId>.<secret>` against the cache. Malformed keys and unknown or revoked ids
   * cost no hash; a known id's secret is compared with the digest of the secret that last
   * verified, so scrypt runs only until a key first verifies on this instance, and only after
   * `beforeSlowCheck(id)` (a budget that may throw) allowed it.
   */
  verify(key: string, beforeSlowCheck?: (id: string) => Promise<void>): Promise<KeyCheck>;
  /** Counts a finished request of a key (written in batches). */
  recordUsage(id: string, status: number): void;
  /** Writes pending usage counters. */
  flush(): Promise<void>;
}

/** One stored message of a conversation. */
export interface StoredMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
  createdAt: string;
}

/** A conversation without its messages. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

/** A conversation with its messages (all of them, or the page asked for), oldest first. */
export interface Conversation extends ConversationSummary {
  messages: StoredMessage[];
  /** Messages earlier than the first one here exist. */
  hasMore: boolean;
}

/** Which of a conversation's messages to read: the latest `limit` before the message `before`. */
export interface MessagePage {
  limit: number;
  /** A message id of this conversation; absent = from the newest. */
  before?: string | undefined;
}

/** A place in a list, newest first: the conversation `id`, last updated at `updatedAt`. */
export interface ConversationCursor {
  updatedAt: string;
  id: string;
}

/** Who owns a conversation: a visitor (`sub`) of an app, or a key's `key:…` in a project. */
export interface ConversationOwner {
  sub: string;
  appId: string;
}

/**
 * A message to store; `id` when the caller chose it (an answer's id is announced before it is
 * stored); `timeToFirstTokenMs` for an answer, how long its first text took.
 */
export type NewMessage = Pick<StoredMessage, 'role' | 'content'> & {
  id?: string;
  timeToFirstTokenMs?: number | undefined;
};

/** Limits of stored data; 0 = unlimited. Counted per visitor and per app. */
export interface StorageQuotas {
  visitorConversations: number;
  visitorBytes: number;
  appConversations: number;
  appBytes: number;
}

/** Which quota refused a write. */
export type QuotaName = keyof StorageQuotas;

/** Conversations, each reachable only by its owner; messages are rows. */
export interface ConversationStore {
  /**
   * Starts a conversation with its first messages, checking the owner's and the app's quotas.
   * @throws ProblemError 429 `quota_exceeded`
   */
  start(
    owner: ConversationOwner,
    title: string,
    messages: NewMessage[],
  ): Promise<ConversationSummary>;
  /**
   * Starts a conversation under an id the client chose (`conv_…`), unless the id exists: one
   * insert-or-nothing statement, so first uses that race make one row, and an id another owner
   * holds is never touched. Checks the quotas like {@link start}.
   * @returns the new conversation, or undefined when the id is taken (by this owner or another).
   * @throws ProblemError 429 `quota_exceeded`
   */
  startWithId(
    id: string,
    owner: ConversationOwner,
    title: string,
    messages: NewMessage[],
  ): Promise<ConversationSummary | undefined>;
  /**
   * The conversation, when it exists and belongs to `owner`, with all its messages or with the
   * `page` asked for: one statement, a range of the messages index, never the whole history.
   * @throws ProblemError 400 `bad_request` when `page.before` is not a message of it.
   */
  get(id: string, owner: ConversationOwner, page?: MessagePage): Promise<Conversation | undefined>;
  /**
   * Appends messages (one row each, whatever the conversation's length). With `checkQuota`
   * (a visitor's new turn) a full quota refuses; an answer to an accepted turn is always kept.
   * @returns false when the conversation is gone or not the owner's.
   * @throws ProblemError 429 `quota_exceeded`
   */
  append(
    id: string,
    owner: ConversationOwner,
    messages: NewMessage[],
    options?: { checkQuota?: boolean },
  ): Promise<boolean>;
  /**
   * Removes the conversation's last message when it is the assistant message `messageId`, in one
   * statement that also takes its bytes off the conversation's and the usage totals.
   * @returns false when that message is not (or no longer) the owner's conversation's last answer.
   */
  removeLastAnswer(id: string, owner: ConversationOwner, messageId: string): Promise<boolean>;
  /**
   * The owner's conversations, most recently updated first: one statement, a range of the
   * owner's index (skipping `(page - 1) * limit` entries, counted from `before` when given: the
   * ones updated before it), the total from the stored counter. `hasMore`: more follow.
   */
  list(
    owner: ConversationOwner,
    page: number,
    limit: number,
    before?: ConversationCursor,
  ): Promise<{ items: ConversationSummary[]; total: number; hasMore: boolean }>;
  /** Deletes at once and for good (messages too). */
  delete(id: string, owner: ConversationOwner): Promise<boolean>;
  /**
   * Gives `from`'s conversations (only `conversationId` when given) to `toSub` of the same app,
   * moving their counts in the usage totals with them: one statement. A conversation moves once;
   * there is nothing left to move a second time. Nothing moves when the receiver's per-visitor
   * quotas could not hold it all (the conversations stay where they are, never deleted).
   * @returns the ids moved.
   */
  transfer(from: ConversationOwner, toSub: string, conversationId?: string): Promise<string[]>;
}

/** One stored feedback: on an assistant message of the owner's conversation. */
export interface Feedback {
  id: string;
  conversationId: string;
  messageId: string;
  type: FeedbackType;
  details: string | null;
  createdAt: string;
}

/** Feedback on answers: one a message, kept as long as its message and conversation. */
export interface FeedbackStore {
  /**
   * Stores feedback on `messageId`, an assistant message of the owner's conversation
   * `conversationId`, replacing any earlier feedback on it: one statement.
   * @returns the stored feedback and whether it replaced one, or undefined when the conversation
   * is not the owner's or the message is not an assistant message of it.
   */
  put(
    owner: ConversationOwner,
    input: Pick<Feedback, 'conversationId' | 'messageId' | 'type' | 'details'>,
  ): Promise<{ feedback: Feedback; replaced: boolean } | undefined>;
  /**
   * The counts of an app's feedback (of conversations whose owner's `appId` is `appId`) and its
   * latest `limit` negatives with question and answer cut to `textLimit` characters: one statement.
   */
  summary(appId: string, options: { limit: number; textLimit: number }): Promise<FeedbackSummary>;
}

/** How an app is used: counted in memory, added to the database in batches (0005). */
export interface ActivityStore {
  /** Counts one event of app `appId` (an app that exists) in the current hour. */
  record(appId: string, kind: ActivityKind, reason?: string): void;
  /** Adds this instance's pending counts to the database. */
  flush(): Promise<void>;
  /** Stops the timed writes and flushes. */
  close(): Promise<void>;
  /** Adds counts to the stored ones at once (imports, and seeding a demo). */
  add(counts: readonly ActivityCount[]): Promise<void>;
  /** The app's activity over `range`, with this instance's pending counts flushed first. */
  read(appId: string, range: ActivityRange): Promise<AppActivity>;
  /** Distinct keys waiting to be written. */
  readonly pending: number;
  /** Events not counted because the pending keys were at their cap. */
  readonly dropped: number;
}

/** Every visitor's conversations of an app, as its owner browses them (visitors hashed). */
export interface ConversationLog {
  /**
   * The app's conversations, most recently updated first, after the `before` cursor when given:
   * one range of an index. `next` is the cursor of the following page, or null.
   */
  list(
    appId: string,
    limit: number,
    before?: ConversationCursor,
  ): Promise<{ items: LoggedConversation[]; next: string | null }>;
  /** One conversation of the app with all its messages, oldest first; undefined when none. */
  get(appId: string, id: string): Promise<LoggedConversationDetail | undefined>;
}

/** Every durable store, opened on one database. */
export interface ServerStores {
  apps: AppStore;
  apiKeys: ApiKeyStore;
  conversations: ConversationStore;
  feedback: FeedbackStore;
  activity: ActivityStore;
  conversationLog: ConversationLog;
  /**
   * The key visitors are hashed with in log lines and the conversation log (`hashVisitor`): made
   * once at random by the first instance to open the database and kept there (`server_keys`,
   * migration 0007), so every instance of a fleet, and every restart, shows a visitor alike.
   */
  readonly visitorHashKey: string;
  /** Up when the database answers. */
  health(): Promise<'up' | 'down'>;
  /** SQL statements sent so far (counted, for tests and the bench). */
  readonly statements: number;
  /** Flushes pending counters and closes the database. */
  close(): Promise<void>;
}

export type { KeyUsage };
