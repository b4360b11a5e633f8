/** Users' problem reports: kept with their secrets removed again, listed for the console, purged after N days. */
import { redactSecrets, REPORT_LOG_LINES } from '@zego-live/contract';
import type { ProblemReportBody, ProblemReportView } from '@zego-live/contract/operators';
import { badRequest } from '../../lib/errors';
import type { LiveContext } from '../../plugins/app/live';
import type { ProblemReport } from '../../store/types';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps a report: 400 for a blank description; every line and device field redacted again (never trust the app). */
export async function keepReport(
  live: LiveContext,
  userId: string,
  body: ProblemReportBody,
): Promise<number> {
  const description = body.description.trim();
  if (description === '') throw badRequest('body/description must not be blank: say what went wrong');
  const device = Object.fromEntries(Object.entries(body.device).map(([k, v]) => [k, redactSecrets(v)]));
  return live.store.reports.create({
    userId,
    roomId: body.roomId ?? null,
    description: redactSecrets(description),
    device,
    logs: body.logs.slice(-REPORT_LOG_LINES).map(redactSecrets),
    createdAt: live.now(),
  });
}

/** Reports as the console shows them, with their senders' nicknames (the log lines only when `withLogs`). */
export async function reportViews(
  live: LiveContext,
  reports: ProblemReport[],
  withLogs: boolean,
): Promise<ProblemReportView[]> {
  const users = await live.store.users.getMany([...new Set(reports.map((r) => r.userId))]);
  const names = new Map(users.map((u) => [u.id, u.nickname]));
  return reports.map(({ logs, ...r }) => ({
    ...r,
    nickname: names.get(r.userId) ?? null,
    ...(withLogs ? { logs } : {}),
  }));
}

/** The sweeper's step: reports older than REPORT_RETENTION_DAYS go. */
export function purgeReports(live: LiveContext, now: number): Promise<number> {
  return live.store.reports.purge(now - live.config.reportRetentionDays * DAY_MS);
}
