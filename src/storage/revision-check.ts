import { RevisionConflictError } from './engine.js';

/** Applies MetaStore's compare-and-set rule; throws RevisionConflictError when it does not hold. */
export function checkRevision(
  key: string,
  current: { readonly revision: number } | undefined,
  expected: number | null | undefined,
): void {
  if (expected === undefined) return;
  if (expected === null ? current !== undefined : current?.revision !== expected) {
    throw new RevisionConflictError(key);
  }
}
