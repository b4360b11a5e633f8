/**
 * What a user journey needs from the thing that runs the mini-program. Two implementations: DevTools through
 * miniprogram-automator (devtools-driver.ts) and miniprogram-simulate in jest (simulated-driver.ts), so the same
 * journeys (journeys.spec.ts) run against WeChat DevTools and in CI.
 */
import type { LiveService } from './live-service';

/** What the runner can do with the camera and with live video. */
export type MediaSupport =
  /** A fake ZEGO cloud answers: pushing and playing "work" (CI). */
  | 'simulated'
  /** DevTools' simulator: it cannot push or play, and the app must say so. */
  | 'none'
  /** A phone (DevTools remote debugging): the real SDK and the real cloud. */
  | 'device';

/** The driver: paths are mini-program paths like `pages/anchor/index?roomID=r1&invite=x` (no leading slash). */
export interface E2EDriver {
  /** For messages: 'simulate' or 'devtools'. */
  readonly name: string;
  readonly media: MediaSupport;
  /** The live service the mini-program talks to. */
  readonly service: LiveService;
  /** Opens a page as a fresh start (reLaunch), with its query. */
  openPage(path: string): Promise<void>;
  /** The current page's route, e.g. `home/login/index`. */
  currentPath(): Promise<string>;
  /** One query parameter of the current page ('' when absent). */
  currentQuery(name: string): Promise<string>;
  /** Taps the first element matching the selector. */
  tap(selector: string): Promise<void>;
  /** Types text into an input. */
  input(selector: string, text: string): Promise<void>;
  /** Visible text of the element (or of the whole page), whitespace collapsed; '' when absent. */
  text(selector?: string): Promise<string>;
  /** Whether an element matching the selector is on the page. */
  exists(selector: string): Promise<boolean>;
  /** Polls `check` until it is true, or fails saying what was awaited and what the page shows. */
  waitFor(check: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  /**
   * Someone else's phone goes live in this room (claims it and publishes). Only where the runner owns the media
   * world (simulated); undefined on DevTools, where the room stays not live.
   */
  anchorGoesLiveElsewhere?: (roomID: string, invite: string) => Promise<void>;
  /**
   * Another phone in a call (simulated only): `join` takes a seat in the call through the service and publishes its
   * stream in the cloud; `start` creates a call and joins it; `hangUp` stops its stream and ends the call.
   */
  callElsewhere?: CallElsewhere;
  /** The anchor and other viewers of a live room on other phones (simulated only). */
  liveElsewhere?: LiveElsewhere;
  /** Back to a signed-out app with no page state that matters. */
  reset(): Promise<void>;
}

/** What another phone does in a call, as the simulated world can make it happen. */
export interface CallElsewhere {
  start(nickname: string): Promise<{ roomID: string; streamID: string }>;
  join(roomID: string, nickname: string): Promise<{ streamID: string }>;
  hangUp(roomID: string, nickname: string): Promise<void>;
  /** The streams the cloud has in this room now (both members' when both publish). */
  streams(roomID: string): string[];
}

/** What the other phones of a live room do, as the simulated world can make it happen. */
export interface LiveElsewhere {
  /** An anchor on another phone claims the room and publishes; answers its stream. */
  anchorLive(roomID: string, invite: string): Promise<{ streamID: string }>;
  /** The anchor accepts the first pending request on the service and tells the viewer; answers who it was. */
  anchorAcceptsRequest(roomID: string): Promise<{ userID: string }>;
  /** Another viewer asks, the anchor accepts, and it publishes its co-host stream; answers its user and stream. */
  cohostJoins(roomID: string, nickname: string): Promise<{ userID: string; streamID: string }>;
  /** That co-host ends: its stream goes, the service ends it, the room is told. */
  cohostEnds(roomID: string, nickname: string): Promise<void>;
  /** The streams the cloud has in this room now (this phone's own included). */
  streams(roomID: string): string[];
}

/** Waits until the page's text contains `needle` (whole page, or one element). */
export async function waitForText(driver: E2EDriver, needle: string, selector?: string, timeoutMs?: number) {
  await driver.waitFor(
    async () => (await driver.text(selector)).includes(needle),
    `"${needle}"${selector ? ` in ${selector}` : ''}`,
    timeoutMs,
  );
}

/** Waits until an element is on the page. */
export async function waitForElement(driver: E2EDriver, selector: string, timeoutMs?: number) {
  await driver.waitFor(() => driver.exists(selector), selector, timeoutMs);
}

/** Polls with a fixed step; shared by both drivers. */
export async function poll(
  check: () => Promise<boolean>,
  describe: () => Promise<string>,
  what: string,
  timeoutMs: number,
  step: (ms: number) => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; the page shows: ${await describe()}`,
      );
    }
    await step(50);
  }
}
