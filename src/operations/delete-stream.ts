import { StreamStatus } from '../domain/stream-model.js';
import { ResourceInUseException } from '../errors.js';
import { consumerCount, dropConsumers } from './consumer-hooks.js';
import type { Handler } from './context.js';

export const deleteStream: Handler = async ({ streams, config, engine }, input, ctx) => {
  const current = await streams.get(input, ctx);
  if (current.status === StreamStatus.CREATING || current.status === StreamStatus.DELETING)
    throw new ResourceInUseException(
      `Stream ${current.name} under account ${current.account} not ACTIVE, instead in state ${current.status}`,
    );
  const consumers = await consumerCount(engine, current);
  if (consumers > 0) {
    if (input.EnforceConsumerDeletion !== true)
      throw new ResourceInUseException(
        `Stream ${current.name} under account ${current.account} has registered consumers. ` +
          'Deregister consumers or set EnforceConsumerDeletion to true.',
      );
    await dropConsumers(engine, current);
  }
  await streams.update(streams.address(input, ctx), ctx.nowMs, (meta) => {
    if (meta.status === StreamStatus.DELETING)
      throw new ResourceInUseException(
        `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state ${meta.status}`,
      );
    return { ...meta, status: StreamStatus.DELETING, statusUntilMs: ctx.nowMs + config.stateDelayMs };
  });
  return undefined;
};
