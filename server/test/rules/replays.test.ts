import {
  mayStartRecording,
  maxIdleSeconds,
  playUrl,
  RECORDING_RETRY_MS,
  reportOf,
  reportOfStatus,
  uploadedFiles,
} from '../../src/features/replays/rules';
import { splitPushUrl } from '../../src/features/obs/service';
import { startRecordBody } from '../../src/zego/cloud-record';

describe('when a recording starts', () => {
  const live = { kind: 'live', status: 'live' } as const;
  test('only a live room (its anchor stream exists), none running, no failed start within the retry wait', () => {
    expect(mayStartRecording(live, false, null, 0)).toBe(true);
    expect(mayStartRecording({ kind: 'live', status: 'idle' }, false, null, 0)).toBe(false);
    expect(mayStartRecording({ kind: 'live', status: 'paused' }, false, null, 0)).toBe(false);
    expect(mayStartRecording({ kind: 'call', status: 'live' }, false, null, 0)).toBe(false);
    expect(mayStartRecording(live, true, null, 0)).toBe(false);
    expect(mayStartRecording(live, false, 1000, 1000 + RECORDING_RETRY_MS - 1)).toBe(false);
    expect(mayStartRecording(live, false, 1000, 1000 + RECORDING_RETRY_MS)).toBe(true);
  });
  test("ZEGO's idle limit follows the room's end after silence, within 5..86400 s", () => {
    expect(maxIdleSeconds(600_000)).toBe(600);
    expect(maxIdleSeconds(1000)).toBe(5);
    expect(maxIdleSeconds(7 * 24 * 3600 * 1000)).toBe(86_400);
  });
});

describe("what ZEGO's status callback means", () => {
  const file = (status: number, extra: Record<string, unknown> = {}) => ({
    file_id: 'f1',
    file_url: 'https://bucket.example.com/replays/f1.mp4',
    duration: 1500.4,
    file_size: 2048,
    status,
    ...extra,
  });
  test('upload finished: the uploaded files (bucket or ZEGO backup), ready; none uploaded: failed', () => {
    expect(reportOf({ event_type: 1, detail: { upload_status: 1, file_info: [file(3)] } })).toEqual({
      status: 'ready',
      files: [
        { fileId: 'f1', url: 'https://bucket.example.com/replays/f1.mp4', durationMs: 1500, sizeBytes: 2048 },
      ],
    });
    expect(uploadedFiles([file(4)])).toHaveLength(1);
    expect(reportOf({ event_type: 1, detail: { upload_status: 2, file_info: [file(5)] } })).toMatchObject({
      status: 'failed',
      errorCode: 2,
    });
  });
  test('a file without a playable URL (Qiniu, Aliyun VOD) or a junk list is no file', () => {
    expect(uploadedFiles([file(3, { file_url: undefined })])).toEqual([]);
    expect(uploadedFiles([file(3, { file_url: 'javascript:alert(1)' })])).toEqual([]);
    expect(uploadedFiles('nope')).toEqual([]);
  });
  test('abnormal end: failed with the quit reason; normal exit and stopped: uploading; the rest: nothing', () => {
    expect(reportOf({ event_type: 2, message: 'login failed', detail: { quit_reason: 2 } })).toEqual({
      status: 'failed',
      errorCode: 2,
      error: 'login failed',
    });
    expect(reportOf({ event_type: 5 })).toEqual({ status: 'uploading' });
    expect(reportOf({ event_type: 7 })).toEqual({ status: 'uploading' });
    for (const event of [3, 4, 6, 102, 201, 202]) expect(reportOf({ event_type: event })).toBeNull();
  });
  test('DescribeRecordStatus: ended with files ready, abnormal or fileless failed, still going: ask again', () => {
    const ok = [
      { file_id: 'a', file_url: 'https://b.example.com/a.mp4', duration: 1, file_size: 1, status: 3 },
    ];
    expect(reportOfStatus(3, ok)?.status).toBe('ready');
    expect(reportOfStatus(4, ok)?.status).toBe('failed');
    expect(reportOfStatus(3, [])?.status).toBe('failed');
    expect(reportOfStatus(3, [{ ...ok[0], status: 2 }])).toBeNull();
    expect(reportOfStatus(2, ok)).toBeNull();
  });
  test('the apps play the file under the CDN when one is configured', () => {
    expect(playUrl('https://bucket.example.com/replays/f1.mp4', null)).toBe(
      'https://bucket.example.com/replays/f1.mp4',
    );
    expect(playUrl('https://bucket.example.com/replays/f1.mp4', 'https://cdn.example.com')).toBe(
      'https://cdn.example.com/replays/f1.mp4',
    );
  });
});

describe('StartRecord and OBS addresses', () => {
  test('vendor 10 sends its endpoint and no region when none is set', () => {
    const body = startRecordBody({
      roomId: 'r1',
      anchorStreamId: 'r1_main',
      outputStreamId: 'r1_mix',
      maxIdleSeconds: 600,
      outputFolder: 'replays/',
      storage: {
        vendor: 10,
        region: null,
        bucket: 'b',
        accessKeyId: 'k',
        accessKeySecret: 's',
        endpoint: 'https://s3.example.com',
      },
    });
    expect(body.StorageParams).toEqual({
      Vendor: 10,
      Bucket: 'b',
      AccessKeyId: 'k',
      AccessKeySecret: 's',
      EndPoint: 'https://s3.example.com',
    });
  });
  test("ZEGO's push URL splits into OBS's server and stream key", () => {
    expect(splitPushUrl('rtmp://81.69.49.115:1935/1540531164/r1_obs_x', 'r1_obs_x')).toEqual({
      server: 'rtmp://81.69.49.115:1935/1540531164/',
      streamKey: 'r1_obs_x',
    });
  });
});
