// One TCP listener for HTTP/1.1 and cleartext HTTP/2 (prior knowledge): the first bytes of each
// connection decide. An optional TLS listener negotiates h2 or http/1.1 by ALPN.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { limits } from '../limits.js';

export type RequestListener = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const SNIFF_TIMEOUT_MS = 30_000;

const h2Settings: http2.Settings = {
  maxConcurrentStreams: limits.http2StreamsPerConnectionMax,
  maxHeaderListSize: 64 * 1024,
  initialWindowSize: 1024 * 1024,
};

function makeHttp1(listener: RequestListener): http.Server {
  const server = http.createServer({ maxHeaderSize: 64 * 1024, requestTimeout: limits.requestTimeoutMs }, listener);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.requestTimeoutMs;
  server.maxHeadersCount = limits.headersCountMax;
  return server;
}

function makeHttp2(listener: RequestListener): http2.Http2Server {
  const server = http2.createServer({ settings: h2Settings, maxSessionMemory: limits.http2SessionMemoryMiB }, listener);
  server.on("sessionError", () => undefined);
  return server;
}

export interface Listeners {
  readonly tcp: net.Server;
  readonly tls: tls.Server | undefined;
  close(): Promise<void>;
}

/** Decides per connection whether it speaks HTTP/2 (preface) or HTTP/1.1, then hands it over. */
export function createListener(listener: RequestListener): { server: net.Server; http1: http.Server; http2: http2.Http2Server } {
  const http1 = makeHttp1(listener);
  const h2 = makeHttp2(listener);
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2Prefix = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2Prefix && seen.length < H2_PREFACE.length) return;
      socket.removeListener('data', onData);
      socket.removeListener('error', onEarlyError);
      socket.pause();
      socket.setTimeout(0);
      socket.unshift(seen);
      (isH2Prefix ? h2 : http1).emit('connection', socket);
      socket.resume();
    };
    const onEarlyError = (): void => {
      socket.destroy();
    };
    socket.on('data', onData);
    socket.on('error', onEarlyError);
  });
  return { server, http1, http2: h2 };
}

export function createTlsListener(listener: RequestListener, key: string | Buffer, cert: string | Buffer): http2.Http2SecureServer {
  const server = http2.createSecureServer(
    { key, cert, allowHTTP1: true, settings: h2Settings, maxSessionMemory: limits.http2SessionMemoryMiB },
    listener,
  );
  server.on("sessionError", () => undefined);
  return server;
}
