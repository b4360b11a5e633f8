/**
 * ZEGO cloud recording (https://cloudrecord-api.zego.im/?Action=...): the one module that talks to it. Same common
 * parameters and signature as the RTC server API (server-api.ts does the signing); every action is a POST with a
 * JSON body. The bucket's keys go only into StartRecord's body, never into an error or a log line.
 */
import { ZegoServerApi, type ZegoServerApiOptions } from './server-api';

/** The deployment's bucket, as ZEGO's StorageParams. */
export interface RecordStorage {
  vendor: number;
  region: string | null;
  bucket: string;
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string | null;
}

/** What one recording of a room is: which stream gets the big picture, the canvas, the file's folder. */
export interface RecordRequest {
  roomId: string;
  /** The anchor's stream: full frame; co-hosts float over it (MixMode 5). */
  anchorStreamId: string;
  /** The output stream ID ZEGO puts in the file name. */
  outputStreamId: string;
  /** Seconds without any stream in the room before ZEGO ends the task by itself (5..86400). */
  maxIdleSeconds: number;
  outputFolder: string;
  storage: RecordStorage;
  /** Where ZEGO posts this task's status callbacks (overrides the console's URL); none: the console's. */
  callbackUrl?: string;
}

/** The mixed file's canvas: portrait 720x1280 at 15 fps, ZEGO's "live" bitrate for that size. */
export const RECORD_VIDEO = { Width: 720, Height: 1280, Fps: 15, Bitrate: 1_500_000 } as const;

/** ZEGO's codes that say a task is already over (StopRecord then has nothing to do). */
export const TASK_GONE_CODES: readonly number[] = [300001000, 300001001];

/** The StartRecord body for one room (pure: tested for what ZEGO is sent). */
export function startRecordBody(request: RecordRequest): Record<string, unknown> {
  const { storage } = request;
  return {
    RoomId: request.roomId,
    RecordInputParams: {
      // One mixed file: the anchor alone full frame, co-hosts floating over it while they are on.
      RecordMode: 2,
      StreamType: 3,
      // A stream that drops and returns stays in the same file (mini-program publishers: last frame only).
      FillBlank: true,
      MaxIdleTime: request.maxIdleSeconds,
      MixConfig: {
        MixMode: 5,
        MixMaxResolutionStreamId: request.anchorStreamId,
        MixOutputStreamId: request.outputStreamId,
        MixOutputVideoConfig: RECORD_VIDEO,
      },
    },
    RecordOutputParams: {
      OutputFileFormat: 'mp4',
      OutputFolder: request.outputFolder,
      ...(request.callbackUrl ? { CallbackUrl: request.callbackUrl } : {}),
    },
    StorageParams: {
      Vendor: storage.vendor,
      ...(storage.region !== null ? { Region: storage.region } : {}),
      Bucket: storage.bucket,
      AccessKeyId: storage.accessKeyId,
      AccessKeySecret: storage.accessKeySecret,
      ...(storage.endpoint !== null ? { EndPoint: storage.endpoint } : {}),
    },
  };
}

/** One file as DescribeRecordStatus answers it (the fields we read). */
interface RecordStatusFileAnswer {
  FileId?: string;
  FileUrl?: string;
  Duration?: number;
  FileSize?: number;
  Status?: number;
}

/** One file in the status callback's words (`detail.file_info[]`), so one reader takes both. */
export interface RecordStatusFile {
  file_id?: string;
  file_url?: string;
  duration?: number;
  file_size?: number;
  status?: number;
}

/** A client of ZEGO's cloud-recording API, bound to one project. */
export class CloudRecordApi {
  private readonly api: ZegoServerApi;

  constructor(options: ZegoServerApiOptions) {
    this.api = new ZegoServerApi(options);
  }

  /** StartRecord: ZEGO's 16-character TaskId of the new task. */
  async startRecord(request: RecordRequest): Promise<string> {
    const answer = await this.api.post<{ TaskId?: string }>('StartRecord', startRecordBody(request));
    const taskId = answer.Data?.TaskId;
    if (typeof taskId !== 'string' || taskId === '')
      throw new Error('ZEGO StartRecord: the answer has no TaskId');
    return taskId;
  }

  /**
   * DescribeRecordStatus (tasks of the last 3 days): the task's Status (1 init, 2 recording, 3 ended, 4 ended
   * abnormally, 5 paused) and its files as the status callback lists them (the callback is not fully reliable).
   */
  async describeRecordStatus(taskId: string): Promise<{ status: number; files: RecordStatusFile[] }> {
    const answer = await this.api.post<{ Status?: number; RecordFiles?: RecordStatusFileAnswer[] }>(
      'DescribeRecordStatus',
      { TaskId: taskId },
    );
    const files = (answer.Data?.RecordFiles ?? []).map((f) => ({
      file_id: f.FileId,
      file_url: f.FileUrl,
      duration: f.Duration,
      file_size: f.FileSize,
      status: f.Status,
    }));
    return { status: Number(answer.Data?.Status ?? 0), files };
  }

  /** StopRecord: the task stops and its files upload to the bucket. */
  async stopRecord(taskId: string): Promise<void> {
    await this.api.post('StopRecord', { TaskId: taskId });
  }
}
