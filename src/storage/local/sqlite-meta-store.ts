import Database from 'better-sqlite3';
import type { Durability, KvEntry, ListOptions, ListPage, MetaStore } from '../engine.js';
import { compareKeys, prefixUpperBound } from '../key-order.js';
import { storageLimits } from '../limits.js';
import { checkListLimit } from '../meta-pages.js';
import { checkRevision } from '../revision-check.js';

const synchronousByDurability = { fsync: 'FULL', batch: 'NORMAL', none: 'OFF' } as const satisfies Record<
  Durability,
  string
>;

/** How long open waits for another process to let go of the database (e.g. during a restart). */
const lockWaitMs = 1000;

interface Row {
  key: string;
  value: string;
  revision: number;
}

/**
 * MetaStore in one SQLite table. Revisions come from a single counter (like a replicated KV
 * bucket's sequence), so a key deleted and created again never repeats an old revision. The
 * database is opened in exclusive locking mode: a second process on the same data directory fails
 * at open instead of corrupting it.
 *
 * Because no other process can write the file, entries read or written here are kept in a bounded
 * in-memory map and `get` answers from it (the record path reads its stream entry on every
 * request). Every write goes to SQLite first and updates the map only once it committed; a failed
 * write drops the key from the map, so the next read goes back to the file.
 */
export class SqliteMetaStore implements MetaStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], Row>;
  readonly #upsert: Database.Statement<[string, string, number]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #bump: Database.Statement<[], { revision: number }>;
  /** Pages by lower bound (`>=` from the prefix, `>` after a cursor) and upper bound (or none). */
  readonly #listFrom: Database.Statement<[string, number], Row>;
  readonly #listAfter: Database.Statement<[string, number], Row>;
  readonly #listFromBelow: Database.Statement<[string, string, number], Row>;
  readonly #listAfterBelow: Database.Statement<[string, string, number], Row>;
  readonly #put: Database.Transaction<
    (key: string, value: string, expected: number | null | undefined) => number
  >;
  readonly #del: Database.Transaction<(key: string, expected: number | undefined) => void>;
  /** key → its entry, or null when known to be absent. Insertion order: oldest first out. */
  readonly #cache = new Map<string, KvEntry | null>();
  readonly #cacheMax: number;

  constructor(
    file: string,
    durability: Durability,
    cacheEntriesMax: number = storageLimits.metaReadCacheEntriesMax,
  ) {
    this.#cacheMax = cacheEntriesMax;
    const db = new Database(file, { timeout: lockWaitMs });
    this.#db = db;
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronousByDurability[durability]}`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
      INSERT OR IGNORE INTO counter (id, revision) VALUES (1, 0);
    `);
    // A write transaction takes the exclusive lock, which exclusive locking mode then keeps.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    this.#get = db.prepare('SELECT key, value, revision FROM kv WHERE key = ?');
    this.#upsert = db.prepare(
      'INSERT INTO kv (key, value, revision) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision',
    );
    this.#delete = db.prepare('DELETE FROM kv WHERE key = ?');
    this.#bump = db.prepare('UPDATE counter SET revision = revision + 1 WHERE id = 1 RETURNING revision');
    // Range conditions on the primary key only: SQLite walks the key's B-tree from the lower bound
    // and stops at the upper bound or the LIMIT (a "SEARCH ... USING PRIMARY KEY", never a scan).
    const select = 'SELECT key, value, revision FROM kv WHERE';
    this.#listFrom = db.prepare(`${select} key >= ? ORDER BY key LIMIT ?`);
    this.#listAfter = db.prepare(`${select} key > ? ORDER BY key LIMIT ?`);
    this.#listFromBelow = db.prepare(`${select} key >= ? AND key < ? ORDER BY key LIMIT ?`);
    this.#listAfterBelow = db.prepare(`${select} key > ? AND key < ? ORDER BY key LIMIT ?`);
    this.#put = db.transaction((key: string, value: string, expected: number | null | undefined) => {
      checkRevision(key, this.#get.get(key), expected);
      const { revision } = this.#bump.get()!;
      this.#upsert.run(key, value, revision);
      return revision;
    });
    this.#del = db.transaction((key: string, expected: number | undefined) => {
      if (expected !== undefined) checkRevision(key, this.#get.get(key), expected);
      this.#delete.run(key);
    });
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#get.get(key);
    this.#remember(key, row === undefined ? null : Object.freeze({ ...row }));
    return row;
  }

  async put(key: string, value: string, expectedRevision?: number | null): Promise<number> {
    try {
      const revision = this.#put.immediate(key, value, expectedRevision);
      this.#remember(key, Object.freeze({ key, value, revision }));
      return revision;
    } catch (err) {
      this.#cache.delete(key);
      throw err;
    }
  }

  async delete(key: string, expectedRevision?: number): Promise<void> {
    try {
      this.#del.immediate(key, expectedRevision);
      this.#remember(key, null);
    } catch (err) {
      this.#cache.delete(key);
      throw err;
    }
  }

  #remember(key: string, entry: KvEntry | null): void {
    if (this.#cacheMax <= 0) return;
    this.#cache.delete(key);
    if (this.#cache.size >= this.#cacheMax) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, entry);
  }

  async list(prefix: string, options: ListOptions): Promise<ListPage> {
    checkListLimit(options.limit);
    const upper = prefixUpperBound(prefix);
    const { after } = options;
    const fromCursor = after !== undefined && compareKeys(after, prefix) >= 0;
    const lower = fromCursor ? after : prefix;
    // One row more than asked tells whether another page follows.
    const n = options.limit + 1;
    const rows =
      upper === undefined
        ? (fromCursor ? this.#listAfter : this.#listFrom).all(lower, n)
        : (fromCursor ? this.#listAfterBelow : this.#listFromBelow).all(lower, upper, n);
    if (rows.length <= options.limit) return { entries: rows };
    rows.length = options.limit;
    return { entries: rows, next: rows.at(-1)!.key };
  }

  close(): void {
    this.#db.close();
  }
}
