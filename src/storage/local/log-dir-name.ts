// Log ids (`<streamUid>/<shardIndex>`) become one directory name each: bytes outside [A-Za-z0-9_-]
// are written as `~` and two hex digits, so the mapping is reversible and never yields `.`, `..`
// or a path separator.

const plain = /^[A-Za-z0-9_-]$/;
export const logDirNameBytesMax = 240;

export function logDirName(logId: string): string {
  let name = '';
  for (const byte of Buffer.from(logId, 'utf8')) {
    const c = String.fromCharCode(byte);
    name += plain.test(c) ? c : `~${byte.toString(16).padStart(2, '0')}`;
  }
  if (name.length === 0 || name.length > logDirNameBytesMax) {
    throw new RangeError(`log id cannot be stored: ${JSON.stringify(logId)}`);
  }
  return name;
}

/** The log id of a directory name, or undefined for names `logDirName` does not produce. */
export function logIdOfDirName(name: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '~') {
      const hex = name.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (plain.test(c)) {
      bytes.push(c.charCodeAt(0));
    } else {
      return undefined;
    }
  }
  const id = Buffer.from(bytes).toString('utf8');
  return bytes.length > 0 && logDirName(id) === name ? id : undefined;
}
