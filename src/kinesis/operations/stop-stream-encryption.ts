import { nextEncryptionChanges } from '../domain/encryption-rules.js';
import { InvalidArgumentException } from '../errors.js';
import type { Handler } from '../state/services.js';

export const stopStreamEncryption: Handler<'StopStreamEncryption'> = async (
  { streams, config },
  input,
  ctx,
) => {
  if (input.EncryptionType !== 'KMS')
    throw new InvalidArgumentException(
      `Encryption type ${input.EncryptionType} is not supported for StopStreamEncryption. Use KMS.`,
    );
  await streams.updateActive(
    input,
    ctx,
    (meta) => {
      const { keyId: _dropped, ...rest } = meta;
      return {
        ...rest,
        encryptionType: 'NONE',
        encryptionStopsMs: nextEncryptionChanges(meta, 'stop', ctx.nowMs),
      };
    },
    config.stateDelayMs,
  );
  return undefined;
};
