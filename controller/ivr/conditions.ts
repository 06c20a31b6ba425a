import type { Calendar, Condition } from './schema.js';
import type { FlowRun, IvrDeps } from './run-state.js';
import { asText, lookup } from './template.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Whether a branch condition holds for this call now. */
export function holds(cond: Condition, run: FlowRun, deps: IvrDeps): boolean {
  if ('open' in cond) return isOpen(run.flow.calendars[cond.open], deps.now());
  if ('closed' in cond) return !isOpen(run.flow.calendars[cond.closed], deps.now());
  if ('region' in cond) {
    const region = deps.regionOf(run.scope().caller);
    return region !== undefined && cond.region.includes(region);
  }
  if ('vip' in cond) return Boolean(run.vars.vip) === cond.vip;
  if ('language' in cond) return run.language === cond.language;
  const value = lookup(cond.var, run.scope());
  if (
    cond.exists !== undefined &&
    (value !== undefined && value !== null && value !== '') !== cond.exists
  )
    return false;
  const text = asText(value);
  if (cond.equals !== undefined && text !== String(cond.equals)) return false;
  if (cond.in !== undefined && !cond.in.map(String).includes(text)) return false;
  if (cond.matches !== undefined && !new RegExp(cond.matches).test(text)) return false;
  return true;
}

/** Opening hours in the calendar's own time zone, with holidays and moved working days. */
export function isOpen(cal: Calendar | undefined, at: Date): boolean {
  if (!cal) return false;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: cal.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const weekday = WEEKDAYS.find((d) => d === parts.weekday?.toLowerCase().slice(0, 3));
  const time = `${parts.hour}:${parts.minute}`;
  if (cal.holidays.includes(date)) return false;
  const workday =
    cal.workdays.includes(date) || (weekday !== undefined && cal.days.includes(weekday));
  return workday && time >= cal.open && time < cal.close;
}
