// Tag checks shared by the legacy stream tag API and the generic resource tag API (AWS wording).
import { InvalidArgumentException } from '../errors.js';
import { limits } from '../limits.js';

/**
 * Letters, digits, spaces and `_ . / = + - % @ :` (the characters AWS names in its message). Tabs,
 * newlines, commas and semicolons are refused (kinesalite's tests, recorded against AWS).
 */
const TAG_CHARS_RE = /^[\p{L}\p{N}\p{Zs}_.:/=+\-%@]*$/u;

/** The resource phrase AWS uses in tag messages: "stream X under account Y" or an ARN. */
export interface TagTarget {
  readonly verb: 'add tags to' | 'remove tags from';
  readonly what: string;
}

export function checkTagCharacters(keysAndValues: readonly string[], target: TagTarget): void {
  if (keysAndValues.some((k) => !TAG_CHARS_RE.test(k)))
    throw new InvalidArgumentException(
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
    );
  if (keysAndValues.some((k) => k.includes('%')))
    throw new InvalidArgumentException(
      `Failed to ${target.verb} ${target.what} because some tags contained illegal characters. ` +
        "The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.",
    );
}

/** Merges `add` into `current` (existing keys are overwritten), enforcing the per-resource cap. */
export function mergeTags(
  current: Readonly<Record<string, string>>,
  add: Readonly<Record<string, string>>,
  target: TagTarget,
): Record<string, string> {
  checkTagCharacters([...Object.keys(add), ...Object.values(add)], target);
  const next = { ...current, ...add };
  if (Object.keys(next).length > limits.tagsPerResourceMax)
    throw new InvalidArgumentException(
      `Failed to ${target.verb} ${target.what} because a given stream cannot have more than ` +
        `${limits.tagsPerResourceMax} tags associated with it.`,
    );
  return next;
}

export function removeTags(
  current: Readonly<Record<string, string>>,
  keys: readonly string[],
  target: TagTarget,
): Record<string, string> {
  checkTagCharacters(keys, target);
  const next = { ...current };
  for (const key of keys) delete next[key];
  return next;
}

/** Tags as the API's `Tag` list, sorted by key like AWS returns them. */
export function tagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] as string }));
}
