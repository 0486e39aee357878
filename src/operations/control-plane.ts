// Control-plane operations (streams, tags, policies, encryption, monitoring, limits, account).
import type { Handler } from './context.js';
import { createStream } from './create-stream.js';
import { deleteStream } from './delete-stream.js';
import { describeStream } from './describe-stream.js';
import { listStreams } from './list-streams.js';

export const controlPlaneHandlers: Readonly<Record<string, Handler>> = {
  CreateStream: createStream,
  DeleteStream: deleteStream,
  DescribeStream: describeStream,
  ListStreams: listStreams,
};
