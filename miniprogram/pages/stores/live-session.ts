/**
 * The live session: the facade the pages bind to. One room visit (anchor, viewer or call member), moved through
 * the one transition table (session-table.ts) and carried out by parts with one job each (session-core.ts builds
 * and wires them): room entry, publishing, watching, recovery, interruptions and background, token renewal, the
 * room chat and the anchor's report, the call. Every field here is a part's state; every action a part's job.
 */
import { configure, makeAutoObservable } from 'mobx-miniprogram';
import type { ApiCohostRequest, ApiCohosts } from '../../services/api-client';
import type { NativeLiveEvent, RtcStream, RtcUser } from '../../services/rtc-types';
import { largePlayers, withPlayers, type CohostTileView } from './cohost-tiles';
import { ACTION_TEXT } from '../../utils/error-catalog';
import type { StartOptions } from './room-entry';
import type { RoomCommand } from './room-signals';
import type { RoomChat } from './room-chat';
import type { RoomSummaryView } from './room-summary';
import type { ViewerListView } from './viewer-list';
import { SessionCore, type LiveSessionDeps } from './session-core';
import type { SessionPhase } from './session-table';
import type {
  ChatLine,
  LiveViewPort,
  PlayerView,
  PusherView,
  QualityView,
  Role,
  RoomState,
  SessionError,
} from '../../stores/session-types';
import * as labels from './session-labels';
import { VisitCommands } from './visit-commands';
import { sendProblemReport } from './session-log';

configure({ enforceActions: 'observed' });

export * from './session-exports';

/** The live session store. */
export class LiveSession {
  private readonly core: SessionCore;
  private readonly commands: VisitCommands;

  constructor(deps: LiveSessionDeps) {
    this.core = new SessionCore(deps);
    this.commands = new VisitCommands(this.core);
    makeAutoObservable<LiveSession, 'core' | 'commands'>(
      this,
      { core: false, commands: false },
      { autoBind: true },
    );
  }

  // ---- What pages bind ----
  get phase(): SessionPhase {
    return this.core.status.phase;
  }
  get role(): Role | null {
    return this.core.entry.role;
  }
  get roomID(): string {
    return this.core.entry.roomID;
  }
  /** This phone's user ID in the room ('' before joining). */
  get userID(): string {
    return this.core.entry.userID;
  }
  get roomTitle(): string {
    return this.core.entry.roomTitle;
  }
  get roomState(): RoomState {
    return this.core.entry.roomState;
  }
  get error(): SessionError | null {
    return this.core.status.error;
  }
  get notice(): string {
    return this.core.status.notice;
  }
  get pusher(): PusherView | null {
    return this.core.publishing.pusher;
  }
  get players(): PlayerView[] {
    return this.core.watching.players;
  }
  get streams(): RtcStream[] {
    return this.core.watching.streams;
  }
  get onlineCount(): number {
    return this.core.room.onlineCount;
  }
  get users(): RtcUser[] {
    return this.core.room.users;
  }
  get publishQuality(): QualityView | null {
    return this.core.room.publishQuality;
  }
  get playQuality(): QualityView | null {
    return this.core.room.playQuality;
  }
  get chat(): ChatLine[] {
    return this.core.room.chat;
  }
  get likes(): number {
    return this.core.room.likes;
  }
  /** The anchor's viewer list panel (open, the viewers newest first, loading, error). */
  get viewerList(): ViewerListView {
    return this.core.viewerList.view;
  }
  /** The end screen's figures (duration, peak viewers, likes, messages): the service's, else this phone's. */
  get summary(): RoomSummaryView | null {
    return this.core.summary.summary;
  }
  /** The service turned the viewers' comments off: "评论已关闭" instead of the input. */
  get commentsOff(): boolean {
    return this.core.room.moderation.commentsOff;
  }
  /** This viewer is muted (epoch ms of the end), or null. */
  get mutedUntil(): number | null {
    return this.core.room.moderation.mutedUntil;
  }
  /** What the chat input says instead of accepting text ('' when the viewer may chat). */
  get chatBlockedText(): string {
    return labels.chatBlockedText(this.core);
  }
  /** Room extra info by key (the co-host layout, later). */
  get roomExtraInfo(): Record<string, string> {
    return this.core.signals.extraInfo;
  }
  /** Subscribes to the room's custom commands (hints only: confirm privileges with the service). */
  onRoomCommand(listener: (command: RoomCommand) => void): () => void {
    return this.core.signals.onCommand(listener);
  }
  /** The other member of a call, once seen. */
  get callPeer(): RtcUser | null {
    return this.core.call.peer;
  }
  /** The call is connected: the other's video has played. */
  get callConnected(): boolean {
    return this.core.call.connectedAt !== null;
  }
  /** When the call was first connected (epoch ms), for the page's running clock; 0 before. */
  get callConnectedAt(): number {
    return this.core.call.connectedAt ?? 0;
  }
  /** The end screen's line for a call: who ended it and how long it lasted. */
  get callSummary(): string {
    return labels.callSummary(this.core);
  }

  // ---- Co-hosting (连麦) ----
  /** This phone's co-hosting as the service has it: none, a pending request, or on stage. */
  get cohostState(): ApiCohosts['mine'] {
    return this.core.cohost.mine;
  }
  /** This viewer publishes beside the anchor now. */
  get onStage(): boolean {
    return this.core.cohost.onStage;
  }
  /** A co-hosting request to the service is in flight. */
  get cohostBusy(): boolean {
    return this.core.cohost.busy;
  }
  /** When the own pending request lapses (epoch ms; 0 without one), for the page's countdown. */
  get cohostRequestExpiresAt(): number {
    return this.core.cohost.requestExpiresAt;
  }
  /** The requests the anchor can accept or decline. */
  get cohostRequests(): ApiCohostRequest[] {
    return this.core.cohost.requests;
  }
  /** The co-hosts shown small (not this phone's own; none while a viewer plays the mix), each with its player. */
  get cohostTiles(): CohostTileView[] {
    return withPlayers(this.core.cohost.tiles, this.core.watching.players);
  }
  /** The players shown large: all but the co-hosts' tiles (the anchor's stream, or the mix). */
  get mainPlayers(): PlayerView[] {
    return largePlayers(this.core.watching.players, this.core.cohost.tiles);
  }
  /** The room has as many co-hosts as the service allows. */
  get cohostFull(): boolean {
    return this.core.cohost.full;
  }
  /** The viewer can ask to co-host now. */
  get canRequestCohost(): boolean {
    return this.core.cohost.canAsk;
  }
  /** This viewer plays the mix (one picture of the anchor and the co-hosts). */
  get watchingMix(): boolean {
    return this.core.cohost.mixToPlay !== null;
  }
  /** "申请连麦": the camera and microphone check, then the request to the service. */
  requestCohost(): Promise<void> {
    return this.core.cohost.request();
  }
  /** "取消申请". */
  cancelCohostRequest(): Promise<void> {
    return this.core.cohost.cancel();
  }
  /** "结束连麦" (the co-host itself). */
  endCohost(): Promise<void> {
    return this.core.cohost.end();
  }
  /** The anchor accepts a request. */
  acceptCohost(userID: string): Promise<void> {
    return this.core.cohost.accept(userID);
  }
  /** The anchor declines a request. */
  declineCohost(userID: string): Promise<void> {
    return this.core.cohost.decline(userID);
  }
  /** The anchor ends a co-host's time on screen. */
  removeCohost(userID: string): Promise<void> {
    return this.core.cohost.remove(userID);
  }
  /** Chinese label of the phase, for the status line. */
  get statusText(): string {
    return labels.statusLine(this.core);
  }
  /** The anchor is on air. */
  get isLive(): boolean {
    return this.core.status.phase === 'live';
  }
  /** The anchor is on air (also reconnecting or interrupted while pushing: the end button stays). */
  get onAir(): boolean {
    return labels.onAir(this.core);
  }
  /** The anchor's preview is ready and can go live. */
  get canGoLive(): boolean {
    return this.core.status.phase === 'preview';
  }
  /** The viewer is in the room but nothing is playing (the anchor has not started, or left). */
  get anchorOffline(): boolean {
    return labels.anchorOffline(this.core);
  }
  /** The label of the error's button ('' when there is nothing to press). */
  get errorActionText(): string {
    return this.core.status.error ? ACTION_TEXT[this.core.status.error.action] : '';
  }

  // ---- The page's components ----
  /** The page hands over its native components (zego-pusher / zego-player). */
  attachView(port: LiveViewPort): void {
    this.core.ctx.view = port;
  }
  /** The page is going away. */
  detachView(): void {
    this.core.ctx.view = null;
  }
  /** Goes live: push URL from the SDK onto zego-pusher, then start it; 'live' once the SDK says PUBLISHING. */
  startPublishing(): Promise<void> {
    return this.commands.startPublishing();
  }
  /** Plays a stream: play URL from the SDK onto zego-player, then play(). */
  startPlaying(streamID: string): Promise<void> {
    return this.core.watching.startPlaying(streamID, this.core.entry.inRoom);
  }
  /** Stops a stream: the SDK first, then the component. */
  stopPlaying(streamID: string): void {
    this.core.watching.stopPlaying(streamID);
  }

  // ---- Native component events ----
  /** zego-pusher statechange: into the SDK first (with the own stream ID), then the codes table. */
  onPusherStateChange(event: NativeLiveEvent): void {
    this.core.publishing.onStateChange(event);
  }
  /** zego-pusher netstatus: into the SDK. */
  onPusherNetStatus(event: NativeLiveEvent): void {
    this.core.publishing.onNetStatus(event);
  }
  /** live-pusher's binderror (camera / microphone refused by the system, resources). */
  onPusherError(detail: { errCode: number; errMsg: string }): void {
    this.core.publishing.onError(detail);
  }
  /** zego-player statechange: into the SDK first (with that player's stream ID), then the codes table. */
  onPlayerStateChange(streamID: string, event: NativeLiveEvent): void {
    this.core.watching.onStateChange(streamID, event);
  }
  /** zego-player netstatus: into the SDK. */
  onPlayerNetStatus(streamID: string, event: NativeLiveEvent): void {
    this.core.watching.onNetStatus(streamID, event);
  }

  // ---- Controls ----
  /** Camera on/off. */
  toggleCamera(): void {
    this.core.publishing.toggleCamera();
  }
  /** Microphone on/off. */
  toggleMicrophone(): void {
    this.core.publishing.toggleMicrophone();
  }
  /** Front/back camera. */
  switchCamera(): void {
    this.core.publishing.switchCamera();
  }
  /** Beauty 0..9. */
  setBeauty(level: number): void {
    this.core.publishing.setBeauty(level);
  }
  /** Whitening 0..9. */
  setWhiteness(level: number): void {
    this.core.publishing.setWhiteness(level);
  }

  /** 遇到问题？: the user's words, the device and the app's last log lines to the service (throws when not sent). */
  reportProblem(description: string): Promise<void> {
    return sendProblemReport(this.core.ctx.deps, this.roomID, description);
  }

  // ---- Chat and likes ----
  /** Sends a chat line through the service; the own line shows at once, pending until accepted. False when not sent. */
  sendChat(text: string): Promise<boolean> {
    return this.core.room.send(text, this.core.ctx.deps.currentUser()?.nickname ?? '我');
  }
  /** One like: counted at once, sent to the room batched. */
  like(): void {
    this.core.room.like();
  }
  /** The anchor turns the viewers' comments off or on (the service tells everyone). */
  switchComments(off: boolean): Promise<boolean> {
    return this.core.room.moderation.switchComments(off);
  }
  /** The anchor mutes a viewer (10 minutes unless told otherwise). */
  muteViewer(userID: string, seconds?: number): Promise<boolean> {
    return this.core.room.moderation.muteViewer(userID, seconds);
  }
  /** The anchor removes a viewer from the room. */
  async removeViewer(userID: string): Promise<boolean> {
    const removed = await this.core.room.moderation.removeViewer(userID);
    if (removed) this.core.viewerList.removed(userID);
    return removed;
  }
  /** The announcement (公告) and admins (房管) the anchor manages; the gifts: panel, banners, effect, 贡献榜. */
  get social(): RoomChat['social'] {
    return this.core.room.social;
  }
  /** The anchor opens the viewer list (read from the service). */
  openViewerList(): Promise<void> {
    return this.core.viewerList.open();
  }
  /** The anchor closes the viewer list. */
  closeViewerList(): void {
    this.core.viewerList.close();
  }
  /** Hides the current error (for errors whose action is 'none'). */
  dismissError(): void {
    this.core.status.setError(null);
  }

  // ---- Recovery ----
  /** The page went to the background: the pusher pauses (viewers see the waiting image), players stop. */
  pageHidden(): void {
    this.core.interruptions.pageHidden();
  }
  /** The page is back: resume the pusher, replay what was playing, show what arrived meanwhile. */
  pageShown(): void {
    this.core.interruptions.pageShown();
  }
  /** Leaves the room: stops every stream (SDK first), logs out, removes listeners and timers, back to idle. */
  leave(): void {
    this.commands.leave();
  }
  /**
   * The page is about to start a visit (it is looking the room up first): load the engine and, with `withToken`,
   * ask for the room's token now, in parallel with the lookup; start() uses them. Nothing happens when signed out.
   */
  prepare(options: { roomID: string; role: Role; withToken: boolean }): void {
    this.commands.prepare(options);
  }

  // ---- Phases, ending, tearing down ----
  /** Checks the phone, asks for permissions (roles that publish), joins: preview, watching or calling. */
  start(options: StartOptions): Promise<void> {
    return this.commands.start(options);
  }
  /** Stops pushing: the SDK first, then the component; the anchor stays in the room, in preview. */
  stopPublishing(): void {
    return this.commands.stopPublishing();
  }
  /** The anchor ends the show: stop pushing, end the room on the service, leave; the page shows the end screen. */
  endLive(): Promise<void> {
    return this.commands.endLive();
  }
  /** A call member hangs up: both streams stopped (SDK first), the call ended on the service, logged out. */
  hangUp(): Promise<void> {
    return this.commands.hangUp();
  }
  /** The error's retry button: renew the token, publish again, play again, or start again from 'failed'. */
  retry(): Promise<void> {
    return this.commands.retry();
  }
  /** Opens WeChat's settings page, then checks the permissions again and carries on joining. */
  openSetting(): Promise<void> {
    return this.commands.openSetting();
  }
}
