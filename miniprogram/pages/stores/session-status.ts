/**
 * What the session tells the user: the phase (the observable copy of the machine's), the error with its action,
 * and a transient notice with its own timer.
 */
import { makeAutoObservable } from 'mobx-miniprogram';
import { OwnedTimer } from './session-context';
import type { SessionMachine } from './session-table';
import type { SessionError, SessionPhase } from '../../stores/session-types';
import { appLog } from '../../utils/log-ring';

/** A transient notice stays this long. */
export const NOTICE_MS = 3000;

/** The session's phase, error and notice. */
export class SessionStatus {
  phase: SessionPhase = 'idle';
  error: SessionError | null = null;
  notice = '';
  private readonly noticeTimer = new OwnedTimer();

  constructor(machine: SessionMachine) {
    makeAutoObservable<SessionStatus, 'noticeTimer'>(this, { noticeTimer: false }, { autoBind: true });
    machine.onChange((_from, to) => this.setPhase(to));
  }

  private setPhase(phase: SessionPhase): void {
    this.phase = phase;
  }

  /** Shows an error (null clears it). */
  setError(error: SessionError | null): void {
    if (error !== null) appLog.add('error', `${error.code} ${error.message}`);
    this.error = error;
  }

  /** Clears the error when it has this code. */
  clearErrorIf(code: SessionError['code']): void {
    if (this.error?.code === code) this.error = null;
  }

  /** A lasting notice (reconnecting, interrupted), until replaced or cleared. */
  setNotice(text: string): void {
    this.noticeTimer.clear();
    this.notice = text;
  }

  /** A notice for `ms` (NOTICE_MS); not over a reconnecting / interrupted notice. */
  flash(text: string, ms = NOTICE_MS): void {
    if (this.phase === 'reconnecting' || this.phase === 'interrupted') return;
    this.notice = text;
    this.noticeTimer.set(ms, () => this.clearNotice(text));
  }

  /** Takes a notice back once it no longer holds (only while it is still the one on screen). */
  withdraw(text: string): void {
    if (this.notice !== text) return;
    this.noticeTimer.clear();
    this.notice = '';
  }

  private clearNotice(text: string): void {
    if (this.notice === text) this.notice = '';
  }

  /** Back to nothing to say (the phase follows the machine). */
  reset(): void {
    this.noticeTimer.clear();
    this.error = null;
    this.notice = '';
  }
}
