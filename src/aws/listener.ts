// One TCP listener for HTTP/1.1 and cleartext HTTP/2 (prior knowledge): the first bytes of each
// connection decide. An optional TLS listener negotiates h2 or http/1.1 by ALPN and hands the
// decrypted socket to the same two protocol servers, so both ports share every limit and timeout.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { frontEndLimits as limits } from './limits.js';

export type RequestListener = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface ListenerOptions {
  /** Time for a new connection's first bytes and for an HTTP/1.1 request's header block. */
  readonly headersTimeoutMs: number;
  /** Time for a whole HTTP/1.1 request (headers and body). */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly http2IdleTimeoutMs: number;
  readonly connectionsMax: number;
  readonly connectionsCheckIntervalMs: number;
}

export const defaultListenerOptions: ListenerOptions = {
  headersTimeoutMs: limits.headersTimeoutMs,
  requestTimeoutMs: limits.requestTimeoutMs,
  keepAliveTimeoutMs: limits.keepAliveTimeoutMs,
  http2IdleTimeoutMs: limits.http2IdleTimeoutMs,
  connectionsMax: limits.connectionsMax,
  connectionsCheckIntervalMs: limits.connectionsCheckIntervalMs,
};

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const HEADER_BYTES_MAX = 64 * 1024;

const h2Settings: http2.Settings = {
  maxConcurrentStreams: limits.http2StreamsPerConnectionMax,
  maxHeaderListSize: HEADER_BYTES_MAX,
  initialWindowSize: 1024 * 1024,
};

export interface Listener {
  /** Cleartext HTTP/1.1 + h2c. Call `listen()` on it. */
  readonly server: net.Server;
  /** Creates the TLS server (ALPN h2, http/1.1). Call `listen()` on it. */
  attachTls(key: string | Buffer, cert: string | Buffer): tls.Server;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

export function createListener(handler: RequestListener, options: Partial<ListenerOptions> = {}): Listener {
  const opts: ListenerOptions = { ...defaultListenerOptions, ...options };
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const http1 = makeHttp1(handler, opts);
  const h2 = makeHttp2(handler, opts, sessions);
  const servers: net.Server[] = [];

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const sniff = (socket: net.Socket): void => sniffProtocol(socket, opts.headersTimeoutMs, http1, h2);

  const server = net.createServer({ noDelay: true }, (socket) => {
    track(socket);
    sniff(socket);
  });
  server.maxConnections = opts.connectionsMax;
  servers.push(server);

  return {
    server,
    attachTls(key, cert) {
      const tlsOptions = {
        key,
        cert,
        ALPNProtocols: ['h2', 'http/1.1'],
        handshakeTimeout: opts.headersTimeoutMs,
      };
      const secure = tls.createServer(tlsOptions, (socket) => {
        socket.on('error', () => socket.destroy());
        if (socket.alpnProtocol === 'h2') h2.emit('connection', socket);
        else if (socket.alpnProtocol === 'http/1.1') http1.emit('connection', socket);
        else sniff(socket); // no ALPN: decide by the first bytes, as on the cleartext port
      });
      secure.maxConnections = opts.connectionsMax;
      // Count raw TCP sockets so shutdown can cut them; handshake failures just drop the socket.
      secure.on('connection', track);
      secure.on('tlsClientError', () => undefined);
      servers.push(secure);
      return secure;
    },
    async close(graceMs = limits.shutdownGraceMs) {
      const closed = servers.map(
        (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
      );
      for (const session of sessions) session.close();
      http1.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        http1.closeIdleConnections();
      }
      for (const socket of sockets) socket.destroy();
      for (const session of sessions) session.destroy();
      await Promise.all(closed);
      http1.close();
    },
  };
}

function makeHttp1(handler: RequestListener, opts: ListenerOptions): http.Server {
  const server = http.createServer(
    {
      maxHeaderSize: HEADER_BYTES_MAX,
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs,
      connectionsCheckingInterval: opts.connectionsCheckIntervalMs,
      noDelay: true,
    },
    handler,
  );
  server.maxHeadersCount = limits.headersCountMax;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  // Node starts connection tracking (which enforces headersTimeout/requestTimeout and makes
  // closeIdleConnections work) on 'listening'. This server never listens itself: sockets are handed
  // to it, so start tracking by hand. Malformed requests get Node's 400 (431 for huge headers).
  server.emit('listening');
  return server;
}

function makeHttp2(
  handler: RequestListener,
  opts: ListenerOptions,
  sessions: Set<http2.ServerHttp2Session>,
): http2.Http2Server {
  const server = http2.createServer(
    {
      settings: h2Settings,
      maxSessionMemory: limits.http2SessionMemoryMiB,
      maxHeaderListPairs: limits.headersCountMax,
    },
    handler,
  );
  server.on('session', (session) => {
    sessions.add(session);
    // Raise the connection window from the protocol's 64 KiB so that concurrent uploads are not
    // throttled by flow control (the per-stream window is set by initialWindowSize).
    setConnectionWindow(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
    // A session with no frames at all for this long is dropped (GOAWAY, then close).
    session.setTimeout(opts.http2IdleTimeoutMs, () => session.close());
  });
  server.on('sessionError', () => undefined);
  return server;
}

function setConnectionWindow(session: http2.ServerHttp2Session): void {
  try {
    session.setLocalWindowSize(limits.http2ConnectionWindowBytes);
  } catch {
    // The session went away before its settings were acknowledged.
  }
}

/**
 * Reads the first bytes of a connection: the HTTP/2 preface goes to the h2 server, anything else
 * to HTTP/1.1 (whose parser answers garbage with 400). A connection must show its protocol
 * within `timeoutMs` (an absolute bound, so trickling bytes does not extend it).
 */
function sniffProtocol(
  socket: net.Socket,
  timeoutMs: number,
  http1: http.Server,
  h2: http2.Http2Server,
): void {
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, H2_PREFACE.length);
    const isH2Prefix = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
    if (isH2Prefix && seen.length < H2_PREFACE.length) return;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('error', onEarlyError);
    socket.removeListener('close', onEarlyClose);
    socket.pause();
    socket.unshift(seen);
    if (isH2Prefix) {
      // The session feeds itself what is buffered (on the next tick); resuming here would drop it.
      h2.emit('connection', socket);
    } else {
      http1.emit('connection', socket);
      socket.resume();
    }
  };
  const onEarlyError = (): void => {
    socket.destroy();
  };
  const onEarlyClose = (): void => clearTimeout(timer);
  socket.on('data', onData);
  socket.on('error', onEarlyError);
  socket.on('close', onEarlyClose);
}
