import fp from 'fastify-plugin';
import type { Config } from '../../config';
import { CloudRecordApi } from '../../zego/cloud-record';

/** Where ZEGO's cloud-recording API is (tests: a loopback fake). */
export interface RecordingOptions {
  config: Config;
  /** Overrides RECORDING_API_URL. */
  url?: string;
  timeoutMs?: number;
}

/** Work started after an answer (a recording's start or stop), awaited before the app closes. */
export class LaterJobs {
  private readonly running = new Set<Promise<void>>();

  /** Runs job in the background; its failure is the job's own business (it logs). */
  run(job: () => Promise<void>): void {
    const promise = job()
      .catch(() => undefined)
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  /** Resolves when every job started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    cloudRecord: CloudRecordApi | null;
    recordingJobs: LaterJobs;
  }
}

/** Decorates `cloudRecord` (null when recording is not configured) and `recordingJobs`. */
export default fp<RecordingOptions>(
  async (app, { config, url, timeoutMs }) => {
    const recording = config.recording ?? null;
    app.decorate(
      'cloudRecord',
      recording === null || config.zego === null
        ? null
        : new CloudRecordApi({
            baseUrl: url ?? recording.url,
            appId: config.zego.appID,
            serverSecret: config.zego.serverSecret,
            timeoutMs,
          }),
    );
    const jobs = new LaterJobs();
    app.decorate('recordingJobs', jobs);
    app.addHook('preClose', async () => jobs.idle());
  },
  { name: 'recording' },
);
