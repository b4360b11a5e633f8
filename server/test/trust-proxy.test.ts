import { ConfigError, loadConfig } from '../src/config';
import { trustProxy } from '../src/http/trust-proxy';
import { startServer, tempDbFile, testConfig, type TestServer } from './helpers/server';

/** The ConfigError loadConfig throws for this TRUST_PROXY, or null when accepted. */
function refusal(value: string): ConfigError | null {
  try {
    loadConfig({ TRUST_PROXY: value });
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe('TRUST_PROXY', () => {
  test('"true" is refused at start, naming the variable and what to set instead', () => {
    const error = refusal('true');
    expect(error?.variable).toBe('TRUST_PROXY');
    expect(error?.message).toMatch(/^TRUST_PROXY: .*any X-Forwarded-For.*number of proxies.*addresses/);
  });

  test('a hop count or proxy addresses/CIDRs are accepted; anything else is refused', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['TRUE', 'yes', '11', '10.0.0.0/33', '300.1.1.1', '10.0.0.1/8/2', '*', '0.0.0.0/0x']) {
      expect(refusal(bad)?.variable).toBe('TRUST_PROXY');
    }
  });

  test('the trust function: a hop count, listed addresses (also IPv4-mapped), subnets; nobody else', () => {
    const hops = trustProxy(2);
    expect([0, 1, 2].map((hop) => hops('203.0.113.9', hop))).toEqual([true, true, false]);
    const listed = trustProxy(['127.0.0.1', '10.0.0.0/8', '::1']);
    // A listed address matches as written and as Node may report it on a dual-stack socket.
    expect(listed('127.0.0.1', 0)).toBe(true);
    expect(listed('::ffff:127.0.0.1', 0)).toBe(true);
    expect(listed('::1', 0)).toBe(true);
    expect(listed('10.20.30.40', 1)).toBe(true);
    expect(listed('127.0.0.2', 0)).toBe(false);
    expect(listed('11.0.0.1', 0)).toBe(false);
    expect(listed('203.0.113.9', 0)).toBe(false);
    expect(listed('not an address', 0)).toBe(false);
  });

  describe('rate limits count the client the trusted proxy names, and only a trusted proxy may name one', () => {
    const limits = { rateLimits: { auth: { max: 2, timeWindow: 60_000 } } };
    const servers: TestServer[] = [];
    const cleanups: Array<() => void> = [];
    const start = async (env: Record<string, string>): Promise<TestServer> => {
      const db = tempDbFile();
      cleanups.push(db.cleanup);
      const server = await startServer(testConfig(db.file, env), limits);
      servers.push(server);
      return server;
    };
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.close()));
      cleanups.forEach((cleanup) => cleanup());
    });

    /** Sign-in statuses of requests that each claim the given X-Forwarded-For. */
    const signIns = async (server: TestServer, clients: string[]): Promise<number[]> => {
      const statuses: number[] = [];
      for (const client of clients) {
        const headers = { 'x-forwarded-for': client };
        statuses.push(
          (await server.request('POST', '/api/auth/dev', { body: { nickname: 'n' }, headers })).status,
        );
      }
      return statuses;
    };

    test('the proxy (here 127.0.0.1) is trusted: each forwarded client has its own limit', async () => {
      const server = await start({ TRUST_PROXY: '127.0.0.1' });
      const clients = ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.3'];
      expect(await signIns(server, clients)).toEqual([200, 200, 429, 200, 200]);
    });

    test('a peer that is not a listed proxy cannot lift the limit by inventing addresses', async () => {
      const server = await start({ TRUST_PROXY: '10.0.0.5' });
      const clients = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'];
      expect(await signIns(server, clients)).toEqual([200, 200, 429, 429]);
    });

    test('with one hop trusted, only the address the proxy appended counts, not what the client wrote', async () => {
      const server = await start({ TRUST_PROXY: '1' });
      // The client sends its own X-Forwarded-For; the proxy appends the address it saw (the last one).
      const clients = ['1.1.1.1, 203.0.113.9', '2.2.2.2, 203.0.113.9', '3.3.3.3, 203.0.113.9'];
      expect(await signIns(server, clients)).toEqual([200, 200, 429]);
    });
  });
});
