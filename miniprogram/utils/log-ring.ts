/**
 * The app's last REPORT_LOG_LINES log lines (phase changes, SDK callbacks and their codes, errors, network and
 * lifecycle changes), kept in a ring so a problem report (遇到问题？) can send what led up to it. Every line passes
 * the contract's redactSecrets as it is written: a token, a session or a secret never enters the ring.
 */
import { REPORT_LOG_LINES, redactSecrets } from '@zego-live/contract';

/** "12:03:04.567 kind text", in the phone's local time. */
function stamp(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A bounded log: the oldest line goes when a new one comes past the capacity. */
export class LogRing {
  private readonly ring: string[] = [];
  private next = 0;

  constructor(
    private readonly capacity = REPORT_LOG_LINES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds one line of a kind (phase, sdk, error, network, lifecycle, ...), secrets removed. */
  add(kind: string, text: string): void {
    const line = redactSecrets(`${stamp(this.now())} ${kind} ${text}`);
    if (this.ring.length < this.capacity) this.ring.push(line);
    else this.ring[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept lines, oldest first. */
  lines(): string[] {
    return this.ring.length < this.capacity
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

/** The app's one log ring. */
export const appLog = new LogRing();
