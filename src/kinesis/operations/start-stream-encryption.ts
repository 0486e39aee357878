import { nextEncryptionChanges } from '../domain/encryption-rules.js';
import { InvalidArgumentException } from '../errors.js';
import type { Handler } from '../state/services.js';

/** KMS is metadata only: any key id form is accepted and recorded. */
export const startStreamEncryption: Handler<'StartStreamEncryption'> = async (
  { streams, config },
  input,
  ctx,
) => {
  if (input.EncryptionType !== 'KMS')
    throw new InvalidArgumentException(
      `Encryption type ${input.EncryptionType} is not supported for StartStreamEncryption. Use KMS.`,
    );
  await streams.updateActive(
    input,
    ctx,
    (meta) => ({
      ...meta,
      encryptionType: 'KMS',
      keyId: input.KeyId,
      encryptionStartsMs: nextEncryptionChanges(meta, 'start', ctx.nowMs),
    }),
    config.stateDelayMs,
  );
  return undefined;
};
