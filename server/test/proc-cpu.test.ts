import { spawn } from 'node:child_process';
import { cpuMicros } from '../bench/proc-cpu';

const onLinux = process.platform === 'linux';

describe("the bench's CPU time per process (bench/proc-cpu.ts)", () => {
  (onLinux ? test : test.skip)(
    'counts what a process spent on the CPU, not the time it slept (Linux only: it reads /proc)',
    async () => {
      // A child that spins until it has used 400 ms of CPU (not of the clock: on a busy machine a 400 ms spin gets
      // less), then sleeps for 400 ms, then waits to be killed.
      const child = spawn(process.execPath, [
        '-e',
        'const t = process.cpuUsage(); for (let u = process.cpuUsage(t); u.user + u.system < 400000; u = process.cpuUsage(t)); setTimeout(() => process.stdout.write("spun"), 400); setInterval(() => {}, 1000);',
      ]);
      try {
        const before = cpuMicros(child.pid);
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        const after = cpuMicros(child.pid);
        expect(before).not.toBeNull();
        const spent = (after as number) - (before as number);
        // The spin (and Node's start) is counted; the 400 ms asleep is not.
        expect(spent).toBeGreaterThanOrEqual(350_000);
        expect(spent).toBeLessThan(750_000);
      } finally {
        child.kill();
      }
    },
  );

  test('is null for no process or one that is gone', () => {
    expect(cpuMicros(undefined)).toBeNull();
    expect(cpuMicros(2 ** 22 + 12345)).toBeNull();
  });
});
