// Kinesis's part in fault injection (src/aws/faults.ts): the operations rules may name, the stream
// an input names (StreamName, the stream inside StreamARN / ConsumerARN / ResourceARN, or the
// stream a GetRecords ShardIterator reads) and AWS's wording of the throttling errors a rule injects.
import type { FaultCall, FaultResource, FaultService } from '../aws/faults.js';
import { decodeIterator, unquoteIterator } from './domain/shard-iterator.js';
import { operationNames } from './model.js';

/** arn:aws:kinesis:<region>:<account>:stream/<name>[/consumer/<consumer>:<seconds>] */
const ARN_RE = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)(?:\/consumer\/.+)?$/;

function fromArn(arn: unknown): FaultResource | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = ARN_RE.exec(arn);
  return m ? { region: m[1] as string, account: m[2] as string, name: m[3] as string } : undefined;
}

/**
 * `iteratorKey` (the server's) lets rules match GetRecords by stream: it is loaded once before
 * the rules take effect. Without it (validating a file) iterators name no stream.
 */
export function kinesisFaultService(iteratorKey?: () => Promise<Buffer>): FaultService {
  let key: Buffer | undefined;
  return {
    operations: operationNames,
    recordOperations: ['PutRecords'],
    async prepare() {
      if (iteratorKey !== undefined && key === undefined) key = await iteratorKey();
    },
    resourceOf(input) {
      if (typeof input.StreamName === 'string') return { name: input.StreamName };
      const named = fromArn(input.StreamARN) ?? fromArn(input.ConsumerARN) ?? fromArn(input.ResourceARN);
      if (named !== undefined || key === undefined || typeof input.ShardIterator !== 'string') return named;
      const pos = decodeIterator(key, unquoteIterator(input.ShardIterator));
      return pos && { name: pos.streamName, account: pos.account, region: pos.region };
    },
    errorMessage(error: string, call: FaultCall) {
      if (error !== 'ProvisionedThroughputExceededException' && error !== 'LimitExceededException')
        return undefined;
      return call.resource === undefined
        ? `Rate exceeded for ${call.operation} under account ${call.account}.`
        : `Rate exceeded for stream ${call.resource} under account ${call.account}.`;
    },
  };
}
