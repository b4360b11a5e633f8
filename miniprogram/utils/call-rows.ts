/** A call record as a list row (WeChat's records page and Alipay's call page): who, outcome, media, duration, when. */
import type { CallRecordView as ApiCallRecord } from '@zego-live/contract/call-schemas';
import { recordText } from './call-outcome';

/** One row as the page renders it. */
export interface CallRow {
  id: string;
  otherId: string;
  name: string;
  avatarUrl: string;
  outcome: string;
  missed: boolean;
  media: 'video' | 'audio';
  /** 「01:35」 for an answered call, '' otherwise. */
  duration: string;
  /** 「今天 14:05」 or 「12月3日 20:00」. */
  time: string;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** When a call was placed, as the list reads it (China time on the phone). */
export function callTime(at: number, now: number): string {
  const when = new Date(at);
  const today = new Date(now);
  const clock = `${two(when.getHours())}:${two(when.getMinutes())}`;
  return when.toDateString() === today.toDateString()
    ? `今天 ${clock}`
    : `${when.getMonth() + 1}月${when.getDate()}日 ${clock}`;
}

/** mm:ss of an answered call. */
const duration = (ms: number | null): string =>
  ms === null ? '' : `${two(Math.floor(ms / 60_000))}:${two(Math.floor(ms / 1000) % 60)}`;

/** A record as a row. */
export const rowFrom = (record: ApiCallRecord, now: number): CallRow => ({
  id: record.id,
  otherId: record.other.id,
  name: record.other.nickname,
  avatarUrl: record.other.avatarUrl,
  outcome: recordText(record.outcome, record.direction),
  missed: record.outcome === 'missed',
  media: record.media,
  duration: duration(record.durationMs),
  time: callTime(record.at, now),
});

/** Records as rows, newest first as the service lists them. */
export const callRowsFrom = (records: readonly ApiCallRecord[], now: number): CallRow[] =>
  records.map((record) => rowFrom(record, now));
