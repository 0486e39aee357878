// Paging helpers around MetaStore.list, shared by the backends and their callers.
import type { KvEntry, ListOptions, MetaStore } from './engine.js';
import { storageLimits } from './limits.js';

/** Throws RangeError unless `limit` is a page size MetaStore.list accepts. */
export function checkListLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > storageLimits.metaListPageEntriesMax)
    throw new RangeError(
      `list limit must be an integer from 1 to ${storageLimits.metaListPageEntriesMax}, got ${limit}`,
    );
}

/**
 * Every entry under `prefix`, in key order, fetched one page at a time: memory stays bounded by
 * the page size as long as the caller does not keep the entries.
 */
export async function* metaEntries(
  meta: MetaStore,
  prefix: string,
  options: Partial<ListOptions> = {},
): AsyncGenerator<KvEntry, void, undefined> {
  const limit = options.limit ?? storageLimits.metaListPageEntriesMax;
  let after = options.after;
  for (;;) {
    const page = await meta.list(prefix, after === undefined ? { limit } : { after, limit });
    yield* page.entries;
    if (page.next === undefined) return;
    after = page.next;
  }
}
