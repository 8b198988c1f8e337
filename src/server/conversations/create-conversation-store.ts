import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { createWriteQueue, type WriteQueue } from '../storage/create-write-queue.ts';
import { writeFileAtomic } from '../storage/write-file-atomic.ts';

/** One stored message of a conversation. */
export interface StoredMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
  createdAt: string;
}

/** A conversation, owned by one visitor (`sub`) of one app. */
export interface Conversation {
  id: string;
  sub: string;
  appId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messages: StoredMessage[];
}

/** Who owns a conversation. */
export interface ConversationOwner {
  sub: string;
  appId: string;
}

/** Conversations, each reachable only by its owner. */
export interface ConversationStore {
  /** Starts a conversation (not stored until {@link ConversationStore.append}). */
  create(owner: ConversationOwner, title: string): Conversation;
  /** The conversation when it exists and belongs to `owner`. */
  get(id: string, owner: ConversationOwner): Conversation | undefined;
  /** The owner's conversations, most recently updated first. */
  list(
    owner: ConversationOwner,
    page: number,
    limit: number,
  ): { items: Conversation[]; total: number };
  /** Adds messages and stores the conversation; resolves once it is durable. */
  append(
    conversation: Conversation,
    messages: Omit<StoredMessage, 'id' | 'createdAt'>[],
  ): Promise<void>;
  delete(id: string, owner: ConversationOwner): Promise<boolean>;
  readonly size: number;
}

/** Options of {@link createConversationStore}. */
export interface ConversationStoreOptions {
  /** With a folder, each conversation is a file in `conversations/` there (atomic writes). */
  dataDir?: string | undefined;
  /** Conversations kept at most; beyond it the least recently updated is dropped. */
  maxConversations?: number;
  now?: () => number;
}

const idPattern = /^conv_[0-9a-f]{32}$/;
const ownerKey = (owner: ConversationOwner) => `${owner.appId}\n${owner.sub}`;

function loadConversations(folder: string): Conversation[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => idPattern.test(name.replace(/\.json$/, '')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read ${folder}: ${(error as Error).message}`);
  }
  return names.map((name) => {
    try {
      return JSON.parse(readFileSync(join(folder, name), 'utf8')) as Conversation;
    } catch (error) {
      throw new ConfigError(`${join(folder, name)} is not valid JSON: ${(error as Error).message}`);
    }
  });
}

/** Creates the conversation store, in memory or persisted in `dataDir`. */
export function createConversationStore({
  dataDir,
  maxConversations = 50_000,
  now = Date.now,
}: ConversationStoreOptions = {}): ConversationStore {
  const folder = dataDir ? join(dataDir, 'conversations') : undefined;
  // Map order is kept as least recently updated first, so eviction takes the first entry.
  const byId = new Map<string, Conversation>();
  const byOwner = new Map<string, Set<string>>();
  const queues = new Map<string, WriteQueue>();
  const index = (conversation: Conversation) => {
    byId.delete(conversation.id);
    byId.set(conversation.id, conversation);
    const key = ownerKey(conversation);
    const ids = byOwner.get(key) ?? new Set<string>();
    byOwner.set(key, ids);
    ids.add(conversation.id);
  };
  const unindex = (conversation: Conversation) => {
    byId.delete(conversation.id);
    queues.delete(conversation.id);
    const key = ownerKey(conversation);
    const ids = byOwner.get(key);
    ids?.delete(conversation.id);
    if (ids?.size === 0) byOwner.delete(key);
  };
  const remove = async (conversation: Conversation) => {
    unindex(conversation);
    if (folder) await rm(join(folder, `${conversation.id}.json`), { force: true });
  };
  if (folder) {
    const loaded = loadConversations(folder).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const conversation of loaded) index(conversation);
  }
  const save = (conversation: Conversation): Promise<void> => {
    if (!folder) return Promise.resolve();
    let queue = queues.get(conversation.id);
    if (!queue) {
      queue = createWriteQueue(async () => {
        if (byId.get(conversation.id) !== conversation) return;
        await writeFileAtomic(
          join(folder, `${conversation.id}.json`),
          JSON.stringify(conversation),
        );
      });
      queues.set(conversation.id, queue);
    }
    return queue.save();
  };
  const owns = (conversation: Conversation | undefined, owner: ConversationOwner) =>
    conversation && conversation.sub === owner.sub && conversation.appId === owner.appId
      ? conversation
      : undefined;

  return {
    create(owner, title) {
      const time = new Date(now()).toISOString();
      return {
        id: `conv_${randomUUID().replace(/-/g, '')}`,
        sub: owner.sub,
        appId: owner.appId,
        title,
        createdAt: time,
        updatedAt: time,
        messages: [],
      };
    },
    get: (id, owner) => owns(byId.get(id), owner),
    list(owner, page, limit) {
      const ids = [...(byOwner.get(ownerKey(owner)) ?? [])];
      const items = ids
        .map((id) => byId.get(id))
        .filter((conversation): conversation is Conversation => conversation !== undefined)
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
      return { items: items.slice((page - 1) * limit, page * limit), total: items.length };
    },
    async append(conversation, messages) {
      const time = new Date(now()).toISOString();
      for (const message of messages) {
        conversation.messages.push({ id: `msg_${randomUUID()}`, createdAt: time, ...message });
      }
      conversation.updatedAt = time;
      index(conversation);
      const evicted: Promise<void>[] = [];
      while (byId.size > maxConversations) {
        const oldest = byId.values().next().value;
        if (!oldest || oldest === conversation) break;
        evicted.push(remove(oldest));
      }
      await Promise.all([save(conversation), ...evicted]);
    },
    async delete(id, owner) {
      const conversation = owns(byId.get(id), owner);
      if (!conversation) return false;
      await remove(conversation);
      return true;
    },
    get size() {
      return byId.size;
    },
  };
}
