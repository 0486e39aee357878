// node-baseline: a yardstick target for `npm run bench`, a Kinesis-shaped server written the
// straightforward way with as little work per request as the workloads allow: node:http with
// keep-alive, JSON.parse of every body, base64 decoding of every Data (only its length is kept),
// the base64 text kept in memory as it arrived (bounded per shard), GetRecords answers assembled
// from those texts by string concatenation, records routed by ExplicitHashKey or round-robin (no
// MD5). No validation, durability, limits, authentication or metrics; no SubscribeToShard.
//
// It is not an upper bound for every workload (Shardline's own parser and encoder beat JSON.parse
// and string building on bulk requests), but for small requests it is close to what this
// machine's HTTP stack and the load generator allow: next to Shardline it shows which figures
// are bound by the machine rather than by Shardline. Nothing but the benchmark talks to it.
//
//   node dist/bench/node-baseline.js --port 14610
import http from 'node:http';
import { parseArgs } from 'node:util';

/** Newest data kept per shard; older records are dropped (the workloads never read them). */
const SHARD_BYTES_MAX = 32 * 1024 * 1024;
const GET_RECORDS_BYTES_MAX = 10 * 1024 * 1024;
const GET_RECORDS_LIMIT_MAX = 10_000;
const TWO_128 = 1n << 128n;
const ACCOUNT = '000000000000';

interface StoredRecord {
  /** The Data as it arrived (base64). */
  readonly text: string;
  /** Decoded length. */
  readonly bytes: number;
  readonly key: string;
  readonly ms: number;
}

class Shard {
  /** Position of records[0]. */
  base = 0;
  records: StoredRecord[] = [];
  bytes = 0;

  get end(): number {
    return this.base + this.records.length;
  }

  append(r: StoredRecord): number {
    this.records.push(r);
    this.bytes += r.bytes;
    if (this.bytes > SHARD_BYTES_MAX) this.#trim();
    return this.end - 1;
  }

  #trim(): void {
    let drop = 0;
    while (this.bytes > SHARD_BYTES_MAX / 2 && drop < this.records.length)
      this.bytes -= this.records[drop++]!.bytes;
    this.records = this.records.slice(drop);
    this.base += drop;
  }
}

interface Stream {
  readonly name: string;
  readonly shards: Shard[];
  readonly created: number;
  roundRobin: number;
}

type Body = Record<string, unknown>;
type Reply = [status: number, body: unknown];

const streams = new Map<string, Stream>();

const seq = (shard: number, position: number): string =>
  `49${String(shard).padStart(6, '0')}${String(position).padStart(48, '0')}`;
const shardId = (i: number): string => `shardId-${String(i).padStart(12, '0')}`;
const startKey = (i: number, n: number): bigint => (TWO_128 * BigInt(i)) / BigInt(n);
const notFound = (name: unknown): Reply => [
  400,
  {
    __type: 'ResourceNotFoundException',
    message: `Stream ${String(name)} under account ${ACCOUNT} not found.`,
  },
];

function route(stream: Stream, explicit: unknown): number {
  const n = stream.shards.length;
  if (typeof explicit === 'string') return Number((BigInt(explicit) * BigInt(n)) / TWO_128);
  stream.roundRobin = (stream.roundRobin + 1) % n;
  return stream.roundRobin;
}

function put(stream: Stream, entry: Body): { ShardId: string; SequenceNumber: string } {
  const index = route(stream, entry.ExplicitHashKey);
  const text = String(entry.Data);
  const bytes = Buffer.from(text, 'base64').length;
  const position = stream.shards[index]!.append({
    text,
    bytes,
    key: String(entry.PartitionKey),
    ms: Date.now(),
  });
  return { ShardId: shardId(index), SequenceNumber: seq(index, position) };
}

const operations: Record<string, (input: Body) => Reply> = {
  ListStreams: () => [200, { StreamNames: [...streams.keys()], HasMoreStreams: false }],
  CreateStream: (input) => {
    const name = String(input.StreamName);
    const count = Number(input.ShardCount ?? 4);
    streams.set(name, {
      name,
      shards: Array.from({ length: count }, () => new Shard()),
      created: Date.now(),
      roundRobin: 0,
    });
    return [200, {}];
  },
  DeleteStream: (input) => {
    streams.delete(String(input.StreamName));
    return [200, {}];
  },
  DescribeStreamSummary: (input) => {
    const s = streams.get(String(input.StreamName));
    if (s === undefined) return notFound(input.StreamName);
    return [
      200,
      {
        StreamDescriptionSummary: {
          StreamName: s.name,
          StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${s.name}`,
          StreamStatus: 'ACTIVE',
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: s.created / 1000,
          OpenShardCount: s.shards.length,
        },
      },
    ];
  },
  ListShards: (input) => {
    const s = streams.get(String(input.StreamName));
    if (s === undefined) return notFound(input.StreamName);
    const n = s.shards.length;
    const Shards = s.shards.map((_, i) => ({
      ShardId: shardId(i),
      HashKeyRange: {
        StartingHashKey: startKey(i, n).toString(),
        EndingHashKey: (startKey(i + 1, n) - 1n).toString(),
      },
      SequenceNumberRange: { StartingSequenceNumber: seq(i, 0) },
    }));
    return [200, { Shards }];
  },
  PutRecord: (input) => {
    const s = streams.get(String(input.StreamName));
    return s === undefined ? notFound(input.StreamName) : [200, put(s, input)];
  },
  PutRecords: (input) => {
    const s = streams.get(String(input.StreamName));
    if (s === undefined) return notFound(input.StreamName);
    const Records = (input.Records as Body[]).map((e) => put(s, e));
    return [200, { FailedRecordCount: 0, Records }];
  },
  GetShardIterator: (input) => {
    const s = streams.get(String(input.StreamName));
    const index = Number(String(input.ShardId).replace(/^shardId-0*/, '') || '0');
    const shard = s?.shards[index];
    if (s === undefined || shard === undefined) return notFound(input.StreamName);
    const at = input.ShardIteratorType === 'LATEST' ? shard.end : shard.base;
    return [200, { ShardIterator: Buffer.from(`${s.name}/${index}/${at}`).toString('base64') }];
  },
  GetRecords: (input) => {
    const [name, index, at] = Buffer.from(String(input.ShardIterator), 'base64').toString().split('/');
    const s = streams.get(String(name));
    const shard = s?.shards[Number(index)];
    if (s === undefined || shard === undefined) return notFound(name);
    const limit = Math.min(Number(input.Limit ?? GET_RECORDS_LIMIT_MAX), GET_RECORDS_LIMIT_MAX);
    let position = Math.max(Number(at), shard.base);
    const parts: string[] = [];
    let bytes = 0;
    while (position < shard.end && parts.length < limit) {
      const r = shard.records[position - shard.base]!;
      if (parts.length > 0 && bytes + r.bytes > GET_RECORDS_BYTES_MAX) break;
      bytes += r.bytes;
      parts.push(
        `{"SequenceNumber":"${seq(Number(index), position)}","ApproximateArrivalTimestamp":${r.ms / 1000},` +
          `"Data":"${r.text}","PartitionKey":${JSON.stringify(r.key)}}`,
      );
      position++;
    }
    const next = Buffer.from(`${s.name}/${index}/${position}`).toString('base64');
    return [200, `{"Records":[${parts.join(',')}],"NextShardIterator":"${next}","MillisBehindLatest":0}`];
  },
};

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let reply: Reply;
    try {
      const op = operations[operation];
      reply = op
        ? op(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body)
        : [400, { __type: 'UnknownOperationException' }];
    } catch (error) {
      reply = [500, { __type: 'InternalFailure', message: String(error) }];
    }
    // GetRecords answers arrive already rendered.
    const body = typeof reply[1] === 'string' ? reply[1] : JSON.stringify(reply[1]);
    res.writeHead(reply[0], {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '14610' } } });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handle);
  server.listen(Number(values.port), '127.0.0.1', () => {
    console.log(`node-baseline listening on http://127.0.0.1:${values.port}`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
