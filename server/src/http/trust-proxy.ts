import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/** Whether the hop-th address back (0: the socket's peer) is a proxy of ours, whose X-Forwarded-For is believed. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Fastify's trust function for TRUST_PROXY (config.ts has already refused `true`): a hop count trusts that many
 * proxies in front of us; a list trusts those addresses and subnets. A plain address in the list is matched as a
 * string before the compiled check parses the peer's address: every rate-limited request asks for request.ip.
 */
export function trustProxy(setting: number | string[]): TrustProxy {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const compiled = proxyAddr.compile(setting);
  const exact = new Set(setting.filter((item) => isIP(item) !== 0));
  return (address, hop) => exact.has(address) || compiled(address, hop);
}
