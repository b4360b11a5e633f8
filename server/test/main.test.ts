import { spawn } from 'node:child_process';
import path from 'node:path';
import { tempDbFile } from './helpers/server';

const SERVER_DIR = path.resolve(__dirname, '..');
const TSX = require.resolve('tsx/cli');

interface Run {
  code: number | null;
  output: string;
}

/** Starts `src/main.ts` with exactly this environment; `onOutput` sees output as it arrives. */
function runMain(
  env: Record<string, string>,
  onOutput?: (text: string, stop: () => void) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    });
    let output = '';
    const stop = (): void => {
      child.kill('SIGTERM');
    };
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      onOutput?.(output, stop);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('main', () => {
  test('a wrong variable stops the start with a message naming it', async () => {
    const run = await runMain({ ZEGO_APP_ID: '42', ZEGO_SERVER_SECRET: 'short' });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/Configuration error: ZEGO_SERVER_SECRET/);
    expect(run.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  test('starts without ZEGO, warns loudly, serves, and shuts down cleanly on SIGTERM', async () => {
    const db = tempDbFile();
    let health: unknown = null;
    try {
      const run = await runMain({ PORT: '0', DATABASE: db.file }, (text, stop) => {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
        if (match && health === null) {
          health = 'pending';
          fetch(`${match[1]}/healthz`)
            .then((r) => r.json())
            .then((body: unknown) => {
              health = body;
              stop();
            }, stop);
        }
      });
      expect(health).toEqual({ ok: true });
      expect(run.code).toBe(0);
      expect(run.output).toContain('AUTH_MODE=dev');
      expect(run.output).toContain('ZEGO_APP_ID / ZEGO_SERVER_SECRET are not set');
      expect(run.output).toContain('SIGTERM received');
    } finally {
      db.cleanup();
    }
  });
});
