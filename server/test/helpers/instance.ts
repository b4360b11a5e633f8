/** The service as its own process (src/main.ts under tsx), as a process manager runs it, and a JSON client. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const SERVER_DIR = path.resolve(__dirname, '..', '..');

/** A running service process. */
export interface Instance {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts src/main.ts with this environment and resolves once it listens. */
export function startInstance(env: Record<string, string>): Promise<Instance> {
  return new Promise((resolve, reject) => {
    // tsx as a loader in this very process (not its CLI, a second process that relays signals): SIGTERM reaches
    // the service itself, as it would under a process manager.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: '0', ...env },
    });
    let output = '';
    let started = false;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    void exited.then((code) => {
      clearTimeout(kill);
      if (!started) reject(new Error(`instance exited (${code}) before listening:\n${output}`));
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match && !started) {
        started = true;
        resolve({ url: match[1], child, output: () => output, exited });
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  });
}

/** One JSON request to an instance. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  urlPath: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + urlPath, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Signs in a development user on an instance. */
export const signIn = async (base: string, nickname: string): Promise<{ token: string; id: string }> => {
  const answer = await call<{ sessionToken: string; user: { id: string } }>(base, 'POST', '/api/auth/dev', {
    body: { nickname },
  });
  if (answer.status !== 200)
    throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.sessionToken, id: answer.body.user.id };
};
