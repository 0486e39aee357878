import { InvalidArgumentException } from '../errors.js';
import type { Handler } from './context.js';

export const stopStreamEncryption: Handler = async ({ streams, config }, input, ctx) => {
  if (input.EncryptionType !== 'KMS')
    throw new InvalidArgumentException(
      `Encryption type ${input.EncryptionType} is not supported for StopStreamEncryption. Use KMS.`,
    );
  await streams.updateActive(
    input,
    ctx,
    (meta) => {
      const { keyId: _dropped, ...rest } = meta;
      return { ...rest, encryptionType: 'NONE' };
    },
    config.stateDelayMs,
  );
  return undefined;
};
