/** Stored bytes failed a check (CRC, framing) where they were expected to be intact. */
export class StorageCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageCorruptionError';
  }
}
