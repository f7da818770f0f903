import { createHash, randomBytes } from "node:crypto";

/** How long a console session lasts after sign-in, and a sign-in link before it is used. */
export const SESSION_TTL_MS = 12 * 3_600_000;
export const SIGN_IN_LINK_TTL_MS = 10 * 60_000;

/** Sessions and links a server holds at once; the oldest go first past it. */
const MAX_ENTRIES = 10_000;

/** A signed-in browser: which access key it signed in with (looked up again on every request). */
export interface ConsoleSession {
  accessKeyId: string;
  expiresAt: number;
}

/**
 * The console's sessions and one-time sign-in links, in this server's memory. A session names the
 * access key it signed in with, never its secret: each request looks the key up again, so a key
 * deactivated or deleted ends its sessions. Ids and links are 32 random bytes, kept only as their
 * SHA-256, so neither a heap dump nor a log of this map holds anything a browser could replay. A
 * restart ends every session (sign in again), and another server, sharing nothing of this memory,
 * refuses this one's cookies.
 */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly links = new Map<string, { accessKeyId: string; expiresAt: number }>();
  /** What to call when a session is signed out, by its digest: the streams its pages hold open. */
  private readonly endWatchers = new Map<string, Set<() => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for `accessKeyId`; returns the id for the cookie. */
  create(accessKeyId: string): string {
    const id = token();
    prune(this.sessions, this.now());
    this.sessions.set(digest(id), { accessKeyId, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  /** The live session with this id, if any. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(digest(id));
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(digest(id));
      return undefined;
    }
    return session;
  }

  /** Ends the session (sign-out), and every stream that watches it. */
  end(id: string | undefined): void {
    if (!id) return;
    const key = digest(id);
    this.sessions.delete(key);
    const watchers = this.endWatchers.get(key);
    this.endWatchers.delete(key);
    for (const onEnd of watchers ?? []) onEnd();
  }

  /** Calls `onEnd` when the session with this id is signed out; returns what stops watching. */
  watchEnd(id: string | undefined, onEnd: () => void): () => void {
    if (!id) return () => {};
    const key = digest(id);
    let watchers = this.endWatchers.get(key);
    if (!watchers) this.endWatchers.set(key, (watchers = new Set()));
    const those = watchers;
    those.add(onEnd);
    return () => {
      those.delete(onEnd);
      if (those.size === 0 && this.endWatchers.get(key) === those) this.endWatchers.delete(key);
    };
  }

  /** A one-time sign-in link token for `accessKeyId`, valid for {@link SIGN_IN_LINK_TTL_MS}. */
  signInLink(accessKeyId: string): string {
    const link = token();
    prune(this.links, this.now());
    this.links.set(digest(link), { accessKeyId, expiresAt: this.now() + SIGN_IN_LINK_TTL_MS });
    return link;
  }

  /** The access key a link signs in as, once: a second use, or a use after it expired, gets nothing. */
  useSignInLink(link: string): string | undefined {
    const key = digest(link);
    const entry = this.links.get(key);
    this.links.delete(key);
    return entry && entry.expiresAt > this.now() ? entry.accessKeyId : undefined;
  }
}

function token(): string {
  return randomBytes(32).toString("base64url");
}

function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** Drops expired entries, and the oldest while the map is full (Maps iterate in insertion order). */
function prune(map: Map<string, { expiresAt: number }>, now: number): void {
  for (const [key, entry] of map) {
    if (map.size < MAX_ENTRIES && entry.expiresAt > now) break;
    map.delete(key);
  }
}
