// Preloaded into peer servers (`node --import <this file>`) whose CLIs have no host
// option: any listen() on a wildcard or unspecified address binds 127.0.0.1 instead,
// so the benchmark never opens a port beyond loopback.
import net from 'node:net';

const LOOPBACK = '127.0.0.1';
const WILDCARDS: ReadonlySet<unknown> = new Set([undefined, null, '', '0.0.0.0', '::', '::0']);
type Listen = (this: net.Server, ...args: unknown[]) => net.Server;
const original = net.Server.prototype.listen as unknown as Listen;

function pinToLoopback(args: unknown[]): unknown[] {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second === 'string') return WILDCARDS.has(second) ? [first, LOOPBACK, ...args.slice(2)] : args;
    return [first, LOOPBACK, ...args.slice(1)];
  }
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: unknown; path?: unknown; fd?: unknown; handle?: unknown; _handle?: unknown };
    const isTcp =
      o.path === undefined && o.fd === undefined && o.handle === undefined && o._handle === undefined;
    return isTcp && WILDCARDS.has(o.host) ? [{ ...o, host: LOOPBACK }, ...args.slice(1)] : args;
  }
  if (first === undefined || typeof first === 'function') return [0, LOOPBACK, ...args];
  return args;
}

(net.Server.prototype as unknown as { listen: Listen }).listen = function listen(this: net.Server, ...args) {
  return original.apply(this, pinToLoopback(args));
};
