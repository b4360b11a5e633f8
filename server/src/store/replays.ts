/** Recordings of live rooms (their replays) and a room's OBS push key: their records and repositories. */

/** Where one cloud-recording task stands (a start that ZEGO refused is 'failed' with ZEGO's code). */
export type RecordingStatus = 'starting' | 'recording' | 'uploading' | 'ready' | 'failed';

/** One file a recording uploaded to the deployment's bucket. */
export interface RecordingFile {
  fileId: string;
  url: string;
  durationMs: number;
  sizeBytes: number;
}

/** One cloud-recording task of a room and the files it uploaded. */
export interface Recording {
  id: string;
  roomId: string;
  /** ZEGO's TaskId, null until StartRecord answered (or when it failed). */
  taskId: string | null;
  status: RecordingStatus;
  startedAt: number;
  stoppedAt: number | null;
  updatedAt: number;
  /** ZEGO's code (StartRecord's Code, or the callback's quit reason) when it failed. */
  errorCode: number | null;
  error: string | null;
  hidden: boolean;
  /** Times the replay was opened in the apps. */
  views: number;
  files: RecordingFile[];
}

/** What a finished task's callback reported. */
export interface RecordingReport {
  status: RecordingStatus;
  files?: RecordingFile[];
  errorCode?: number | null;
  error?: string | null;
}

export interface RecordingRepository {
  /**
   * Claims the right to start the room's recording: a 'starting' row, unless the room already has one starting or
   * recording (one conditional INSERT: of any number of instances exactly one wins). null when it lost.
   */
  claimStart(id: string, roomId: string, now: number): Promise<Recording | null>;
  /** The start worked: ZEGO's TaskId, now recording. */
  started(id: string, taskId: string, now: number): Promise<void>;
  /** The start failed: ZEGO's code and message, the room free for a later start. */
  startFailed(id: string, code: number | null, error: string, now: number): Promise<void>;
  /** The room's recording that is starting or recording, if any. */
  activeForRoom(roomId: string): Promise<Recording | null>;
  /** When the room's newest failed start was (null: none), so a retry waits. */
  lastFailureAt(roomId: string): Promise<number | null>;
  /** StopRecord was sent: uploading now; the room is free for a new task. */
  stopped(id: string, now: number): Promise<void>;
  /** A callback's report, idempotent (files are kept by ZEGO's file ID; a ready task stays ready). null: no task. */
  report(taskId: string, report: RecordingReport, now: number): Promise<Recording | null>;
  /** Task IDs still uploading since before `before` (the callback may be lost: they are asked for), oldest first. */
  uploadingSince(before: number, limit: number): Promise<string[]>;
  /** The room's recordings, oldest first (deleted ones never; hidden ones only when asked). */
  forRoom(roomId: string, options: { includeHidden: boolean }): Promise<Recording[]>;
  get(id: string): Promise<Recording | null>;
  /** Hides or shows a recording in the apps; null when there is none (or it was deleted). */
  setHidden(id: string, hidden: boolean, now: number): Promise<Recording | null>;
  /** Removes a recording from the apps for good (the row stays for the record); false when there was none. */
  remove(id: string, now: number): Promise<boolean>;
  /** Counts one opening of the room's replay; the new count. */
  countView(roomId: string): Promise<number>;
  /** Rooms (ids) with a playable replay, newest first, at most limit. */
  roomsWithReplay(limit: number): Promise<string[]>;
}

/** A room's OBS push key (its stream ID while it pushes from OBS). */
export interface RtmpKey {
  roomId: string;
  streamId: string;
  issuedAt: number;
  /** ZEGO's publish_start came and no publish_stop since. */
  publishing: boolean;
}

export interface RtmpRepository {
  /** The room's current key, or null. */
  get(roomId: string): Promise<RtmpKey | null>;
  /** A new key: the room's stream ID becomes streamId (the old key's stream no longer names the room). */
  issue(roomId: string, streamId: string, now: number): Promise<RtmpKey>;
  /** The key's stream started or stopped publishing; null when the stream is no room's current key. */
  setPublishing(streamId: string, publishing: boolean): Promise<RtmpKey | null>;
  /** Rooms whose OBS stream is publishing now (the sweeper counts that as their heartbeat). */
  publishingRooms(): Promise<string[]>;
}
