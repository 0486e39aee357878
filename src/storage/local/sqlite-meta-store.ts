import Database from 'better-sqlite3';
import type { Durability, KvEntry, MetaStore } from '../engine.js';
import { prefixUpperBound } from '../key-order.js';
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
 */
export class SqliteMetaStore implements MetaStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], Row>;
  readonly #upsert: Database.Statement<[string, string, number]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #bump: Database.Statement<[], { revision: number }>;
  readonly #listAll: Database.Statement<[string], Row>;
  readonly #listRange: Database.Statement<[string, string], Row>;
  readonly #put: Database.Transaction<
    (key: string, value: string, expected: number | null | undefined) => number
  >;
  readonly #del: Database.Transaction<(key: string, expected: number | undefined) => void>;

  constructor(file: string, durability: Durability) {
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
    this.#listAll = db.prepare('SELECT key, value, revision FROM kv WHERE key >= ? ORDER BY key');
    this.#listRange = db.prepare(
      'SELECT key, value, revision FROM kv WHERE key >= ? AND key < ? ORDER BY key',
    );
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
    return this.#get.get(key);
  }

  async put(key: string, value: string, expectedRevision?: number | null): Promise<number> {
    return this.#put.immediate(key, value, expectedRevision);
  }

  async delete(key: string, expectedRevision?: number): Promise<void> {
    this.#del.immediate(key, expectedRevision);
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const upper = prefixUpperBound(prefix);
    return upper === undefined ? this.#listAll.all(prefix) : this.#listRange.all(prefix, upper);
  }

  close(): void {
    this.#db.close();
  }
}
