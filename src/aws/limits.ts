// The front end's own limits (every service behind it shares them), with units in the names.
export const frontEndLimits = {
  requestBodyBytesMax: 14 * 1024 * 1024,
  /** After a 413, an HTTP/1.1 upload is drained this long before the connection is cut. */
  rejectedBodyDrainMs: 1_000,
  // Connections and HTTP/2 sessions: hygiene against slow or abusive clients.
  headersCountMax: 100,
  http2StreamsPerConnectionMax: 100,
  http2SessionMemoryMiB: 32,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  /** An HTTP/1.1 client must finish its request headers (and a new connection its first bytes) within this. */
  headersTimeoutMs: 20_000,
  /** How often Node checks HTTP/1.1 connections against the headers/request timeouts. */
  connectionsCheckIntervalMs: 1_000,
  /** An HTTP/2 session with no traffic at all for this long is closed. */
  http2IdleTimeoutMs: 120_000,
  /** Open TCP connections per listener; more are refused at accept time. */
  connectionsMax: 10_000,
  /** On shutdown, in-flight requests get this long to finish before connections are destroyed. */
  shutdownGraceMs: 3_000,
  /**
   * HTTP/2 connection-level receive window (bytes). The protocol default is 64 KiB for the whole
   * connection, which makes concurrent large uploads (PutRecords of ~0.7 MB over one SDK session)
   * wait for WINDOW_UPDATEs; per-stream windows stay at 1 MiB. Below http2SessionMemoryMiB.
   */
  http2ConnectionWindowBytes: 16 * 1024 * 1024,
} as const;
