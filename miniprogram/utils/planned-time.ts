/** How a planned room's start shows: 「12月3日 20:00 开播」 and the countdown to it, in the phone's own time zone. */

const two = (n: number): string => String(n).padStart(2, '0');

/** 「12月3日 20:00 开播」 (「今天 20:00 开播」 / 「明天 20:00 开播」 when it is that close). */
export function plannedStartText(plannedStartAt: number, now: number = Date.now()): string {
  const start = new Date(plannedStartAt);
  const today = new Date(now);
  const dayOf = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((dayOf(start) - dayOf(today)) / 86_400_000);
  const day = days === 0 ? '今天' : days === 1 ? '明天' : `${start.getMonth() + 1}月${start.getDate()}日`;
  return `${day} ${two(start.getHours())}:${two(start.getMinutes())} 开播`;
}

/** The time left until the start: 「2天 03:04:05」, 「03:04:05」, or 「即将开播」 once it is due. */
export function countdownText(plannedStartAt: number, now: number): string {
  const left = Math.ceil((plannedStartAt - now) / 1000);
  if (left <= 0) return '即将开播';
  const days = Math.floor(left / 86_400);
  const clock = `${two(Math.floor((left % 86_400) / 3600))}:${two(Math.floor((left % 3600) / 60))}:${two(left % 60)}`;
  return days > 0 ? `${days}天 ${clock}` : clock;
}
