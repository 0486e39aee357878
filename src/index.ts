// The programmatic API of the `shardline` package (package.json "main"/"exports"): start a server
// in-process on a storage engine, and talk to it (or to any Kinesis endpoint) with the client.
//
//   import { defaultConfig, openEngine, startServer, createNodeClient } from 'shardline';
//   const engine = await openEngine({ kind: 'memory' });
//   const server = await startServer({ ...defaultConfig, storage: 'memory', port: 0 }, engine);
//   const client = createNodeClient({ endpoint: server.endpoint, region: 'us-east-1', timeoutMs: 10_000 });
//   await client.call('CreateStream', { StreamName: 'orders', ShardCount: 1 });

export { type AppLogger, type RunningServer, startServer } from './app.js';
export { createBrowserClient, FetchTransport, webCrypto } from './client/browser.js';
export {
  describeNetError,
  KINESIS_CONTENT_TYPE,
  KINESIS_TARGET_PREFIX,
  KinesisApiError,
  KinesisClient,
  type KinesisClientOptions,
  LOCAL_CREDENTIALS,
  type NetError,
  parseErrorResponse,
  type RawResponse,
  streamRef,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './client/kinesis.js';
export { createNodeClient, type NodeClientOptions, NodeHttpTransport, nodeCrypto } from './client/node.js';
export { pureCrypto } from './client/sha256.js';
export { type Credentials, type SigningCrypto, SigV4Signer } from './client/sigv4.js';
export { type Config, defaultConfig } from './core/config.js';
export type { Durability, StorageEngine } from './storage/engine.js';
export { type OpenEngineOptions, openEngine } from './storage/open-engine.js';
