/**
 * Watching: the room's remote streams. On roomStreamUpdate ADD, in ZEGO's order: startPlayingStream -> the URL on
 * zego-player -> play(); DELETE and leaving stop the SDK first, then the component. Forwards every player
 * statechange / netstatus into the SDK with that player's stream ID. Owns the stream list, the players, the plays in
 * flight and the streams stopped while the page was hidden.
 */
import { makeAutoObservable, runInAction } from 'mobx-miniprogram';
import type { NativeLiveEvent, RtcEvents, RtcStream } from '../../services/rtc-types';
import { describeError } from '../../utils/error-catalog';
import { validateStreamID } from '../../utils/validate';
import { nativeReaction } from './native-codes';
import type { MediaHost } from './publishing';
import { codeOf, type SessionContext } from './session-context';
import type { SessionStatus } from './session-status';
import { PLAYING_PHASES } from './session-table';
import type { PlayerView } from '../../stores/session-types';

/** Which remote streams a visit plays: a filter over the room's streams, or one mix output instead of them. */
export interface StreamPlan {
  /** Plays this stream of the room's list (the anchor alone plays none; co-host streams only when listed). */
  plays(stream: RtcStream): boolean;
  /** A mix output (the anchor and the co-hosts in one picture) to play instead of the room's streams. */
  mix(): string | null;
}

/** The remote streams. */
export class Watching {
  streams: RtcStream[] = [];
  players: PlayerView[] = [];
  /** Plays in flight, by stream ID, with a ticket so a cancelled one knows it. */
  private readonly requests = new Map<string, number>();
  private ticket = 0;
  /** Streams stopped because the page was hidden, replayed when shown. */
  private hiddenStreams: string[] = [];

  constructor(
    private readonly ctx: SessionContext,
    private readonly status: SessionStatus,
    private readonly host: MediaHost,
    /** What this visit plays. */
    private readonly plan: StreamPlan,
  ) {
    makeAutoObservable<
      Watching,
      'ctx' | 'status' | 'host' | 'plan' | 'requests' | 'ticket' | 'hiddenStreams'
    >(
      this,
      {
        ctx: false,
        status: false,
        host: false,
        plan: false,
        requests: false,
        ticket: false,
        hiddenStreams: false,
      },
      { autoBind: true },
    );
  }

  /** The streams this visit should be playing now, in the room's order (or the mix alone). */
  get wanted(): string[] {
    const mix = this.plan.mix();
    if (mix) return [mix];
    return this.streams.filter((s) => this.plan.plays(s)).map((s) => s.streamID);
  }

  /** The plan changed (co-hosts came or went, a mix started or stopped): stop what should not play, play the rest. */
  replan(inRoom: boolean, canPlay: boolean, hidden: boolean): void {
    const wanted = new Set(this.wanted);
    const running = new Set([...this.players.map((p) => p.streamID), ...this.requests.keys()]);
    for (const id of running) if (!wanted.has(id)) this.stopPlaying(id);
    this.hiddenStreams = this.hiddenStreams.filter((id) => wanted.has(id));
    if (!canPlay || hidden) return;
    for (const id of wanted) if (!running.has(id)) void this.startPlaying(id, inRoom);
  }

  /** Something is on screen (a player has its URL). */
  get anyPlaying(): boolean {
    return this.players.some((p) => p.url);
  }

  /** Plays a stream: play URL from the SDK onto zego-player, then play(). */
  async startPlaying(streamID: string, inRoom: boolean): Promise<void> {
    if (!this.ctx.engine || !inRoom) return;
    const invalid = validateStreamID(streamID);
    if (invalid) {
      this.status.setError({ code: `streamID.${invalid.code}`, message: invalid.message, action: 'none' });
      return;
    }
    if (this.requests.has(streamID) || this.players.some((p) => p.streamID === streamID && p.url)) return;
    const ticket = this.nextTicket(streamID);
    const ok = await this.play(streamID, ticket);
    if (!ok) this.requests.delete(streamID);
  }

  private nextTicket(streamID: string): number {
    const ticket = ++this.ticket;
    this.requests.set(streamID, ticket);
    return ticket;
  }

  /** Stops a stream and drops its player: the SDK first, then the component. */
  stopPlaying(streamID: string): boolean {
    const playing = this.players.some((p) => p.streamID === streamID) || this.requests.has(streamID);
    if (!playing || !this.ctx.engine) return false;
    const main = this.players[0]?.streamID === streamID;
    this.stopPlayer(streamID);
    this.players = this.players.filter((p) => p.streamID !== streamID);
    if (main) this.host.mainPlayerGone();
    return true;
  }

  /** Asks the SDK for a play URL, puts it on the player, plays. */
  private async play(streamID: string, ticket: number): Promise<boolean> {
    const { ctx } = this;
    const engine = ctx.engine;
    if (!engine) return false;
    const epoch = ctx.epoch;
    const cancelled = () => ctx.isStale(epoch) || this.requests.get(streamID) !== ticket;
    let url: string;
    try {
      const mix = this.plan.mix() === streamID;
      url = (
        await (mix
          ? engine.startPlayingStream(streamID, { isMix: true })
          : engine.startPlayingStream(streamID))
      ).url;
    } catch (error) {
      if (!cancelled() && ctx.machine.in(...PLAYING_PHASES)) {
        this.status.setError({ ...describeError(codeOf(error)), action: 'retry' });
      }
      return false;
    }
    if (cancelled()) return false;
    this.showPlayer(streamID, url);
    try {
      await ctx.view?.playPlayer(streamID);
    } catch {
      if (cancelled()) return false;
      if (ctx.machine.in(...PLAYING_PHASES)) {
        this.status.setError({ code: 'PLAYER_START', message: '画面没有播放起来，请重试', action: 'retry' });
      }
      return false;
    }
    return !cancelled();
  }

  private showPlayer(streamID: string, url: string): void {
    const userName = this.streams.find((s) => s.streamID === streamID)?.user.userName ?? '';
    const existing = this.players.find((p) => p.streamID === streamID);
    const player: PlayerView = {
      streamID,
      url,
      state: 'PLAY_REQUESTING',
      muted: existing?.muted ?? false,
      userName,
    };
    this.players = this.orderPlayers([...this.players.filter((p) => p.streamID !== streamID), player]);
  }

  /** Stops a play: SDK, then component (the observable list is the caller's business). */
  private stopPlayer(streamID: string): void {
    this.requests.delete(streamID);
    try {
      this.ctx.engine?.stopPlayingStream(streamID);
    } catch {
      // already stopped by the SDK
    }
    this.ctx.view?.stopPlayer(streamID);
  }

  /** Plays a stream again with a fresh URL (after a drop or coming back from the background). */
  async replay(streamID: string, epoch: number, alreadyStopped = false): Promise<boolean> {
    if (this.ctx.isStale(epoch) || !this.ctx.engine) return false;
    const running = this.players.some((p) => p.streamID === streamID) || this.requests.has(streamID);
    if (running && !alreadyStopped) this.stopPlayer(streamID);
    const ticket = this.nextTicket(streamID);
    const ok = await this.play(streamID, ticket);
    if (!ok && this.requests.get(streamID) === ticket) this.requests.delete(streamID);
    return ok;
  }

  /** Plays every stream of the room that is not playing (or every one, when `force`); false at the first failure. */
  async restore(epoch: number, force: boolean): Promise<boolean> {
    for (const streamID of this.wanted) {
      const player = this.players.find((p) => p.streamID === streamID);
      if (force || !player || player.state !== 'PLAYING') {
        if (!(await this.replay(streamID, epoch))) return false;
      }
    }
    return true;
  }

  /** Plays what the room already publishes (just logged in, or the retry button). */
  playAll(inRoom: boolean): void {
    for (const streamID of this.wanted) void this.startPlaying(streamID, inRoom);
  }

  /** Players in the order of the room's streams (the anchor's first). */
  private orderPlayers(players: PlayerView[]): PlayerView[] {
    const index = (id: string) => {
      const i = this.streams.findIndex((s) => s.streamID === id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return [...players].sort((a, b) => index(a.streamID) - index(b.streamID));
  }

  /** roomStreamUpdate: ADD plays (when this visit plays and is on screen), DELETE stops; the streams that went. */
  onRoomStreamUpdate(p: RtcEvents['roomStreamUpdate'], canPlay: boolean, hidden: boolean): string[] {
    const ids = new Set(p.streams.map((s) => s.streamID));
    if (p.updateType === 'ADD') {
      this.streams = [...this.streams.filter((s) => !ids.has(s.streamID)), ...p.streams];
      if (canPlay && !hidden) {
        const wanted = new Set(this.wanted);
        for (const stream of p.streams)
          if (wanted.has(stream.streamID)) void this.startPlaying(stream.streamID, true);
      }
      return [];
    }
    this.streams = this.streams.filter((s) => !ids.has(s.streamID));
    this.hiddenStreams = this.hiddenStreams.filter((id) => !ids.has(id));
    for (const id of ids) this.stopPlaying(id);
    return [...ids];
  }

  /** zego-player statechange: into the SDK first, then the codes table. */
  onStateChange(streamID: string, event: NativeLiveEvent): void {
    const engine = this.ctx.engine;
    if (!engine) return;
    engine.updatePlayerState(streamID, event);
    const code = event.detail.code;
    const reaction = nativeReaction('player', code);
    if (reaction && code !== undefined) this.host.react(reaction, code);
  }

  /** zego-player netstatus: into the SDK. */
  onNetStatus(streamID: string, event: NativeLiveEvent): void {
    this.ctx.engine?.updatePlayerNetStatus(streamID, event);
  }

  /** playerStateUpdate: the player's state; playing again may end a reconnect, a failure starts one. */
  onPlayerStateUpdate(p: RtcEvents['playerStateUpdate']): boolean {
    const player = this.players.find((x) => x.streamID === p.streamID);
    if (!player) return false;
    if (player.state !== p.state) {
      this.players = this.players.map((x) => (x.streamID === p.streamID ? { ...x, state: p.state } : x));
    }
    if (p.state === 'PLAYING') this.host.streamBack();
    else if (p.state === 'NO_PLAY' && p.errorCode !== 0) this.host.dropped(true);
    return p.state === 'PLAYING';
  }

  /** Hidden: stop what plays (observable players stay as they are, so nothing renders while hidden). */
  pause(): void {
    this.hiddenStreams = this.players.filter((p) => p.url).map((p) => p.streamID);
    for (const streamID of this.hiddenStreams) this.stopPlayer(streamID);
  }

  /** Shown again: replay with fresh URLs what was playing, and start what arrived meanwhile. */
  resume(inRoom: boolean): void {
    const streams = this.takeHidden();
    const epoch = this.ctx.epoch;
    for (const streamID of streams) void this.replay(streamID, epoch, true);
    for (const streamID of this.wanted) {
      if (!streams.includes(streamID) && !this.players.some((p) => p.streamID === streamID)) {
        void this.startPlaying(streamID, inRoom);
      }
    }
  }

  /** Forgets the hidden list (recovery will replay everything). */
  takeHidden(): string[] {
    const streams = this.hiddenStreams;
    this.hiddenStreams = [];
    return streams;
  }

  /** Resumes each player after an interruption. */
  resumePlayers(): void {
    for (const p of this.players) this.ctx.view?.resumePlayer(p.streamID);
  }

  /** The visit is over: every play stopped (SDK, then component), the lists emptied. */
  dispose(): void {
    if (this.ctx.engine) {
      const playing = new Set([
        ...this.players.filter((p) => p.url).map((p) => p.streamID),
        ...this.requests.keys(),
      ]);
      for (const id of this.hiddenStreams) playing.delete(id);
      for (const id of playing) this.stopPlayer(id);
    }
    this.requests.clear();
    this.hiddenStreams = [];
    runInAction(() => {
      this.players = [];
      this.streams = [];
    });
  }
}
