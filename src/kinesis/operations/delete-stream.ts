import { StreamStatus } from '../domain/stream-model.js';
import { ResourceInUseException } from '../errors.js';
import { consumerCount, dropConsumers } from '../state/consumer-hooks.js';
import type { Handler } from '../state/services.js';
import type { PendingMeta } from '../state/stream-store.js';
import { arnOf } from '../state/stream-store.js';

export const deleteStream: Handler<'DeleteStream'> = async ({ streams, config, engine }, input, ctx) => {
  const current = await streams.get(input, ctx);
  // A CREATING stream may be deleted (kinesalite's tests saw AWS allow it); a DELETING one may not.
  if (current.status === StreamStatus.DELETING)
    throw new ResourceInUseException(
      `Stream ${current.name} under account ${current.account} not ACTIVE, instead in state ${current.status}`,
    );
  const consumers = await consumerCount(engine, current);
  if (consumers > 0) {
    if (input.EnforceConsumerDeletion !== true)
      throw new ResourceInUseException(
        `DeleteStream can't delete ${arnOf(current)} because there are consumers associated with this data stream. ` +
          `To delete ${current.name} anyway, set the EnforceConsumerDeletion parameter to true to force the ` +
          'deletion of all the consumers that are associated with it.',
      );
    await dropConsumers(engine, current);
  }
  await streams.update(streams.address(input, ctx), ctx.nowMs, (meta) => {
    if (meta.status === StreamStatus.DELETING)
      throw new ResourceInUseException(
        `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state ${meta.status}`,
      );
    const deleting: PendingMeta = {
      ...meta,
      status: StreamStatus.DELETING,
      statusUntilMs: ctx.nowMs + config.stateDelayMs,
      // Deleted before its shards ever showed: they stay hidden while DELETING (as on AWS).
      ...(meta.status === StreamStatus.CREATING ? { shardsHidden: true } : {}),
    };
    return deleting;
  });
  return undefined;
};
