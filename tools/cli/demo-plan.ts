import type { CallOutcome } from '../../controller/calls/record.js';
import { isOpen } from '../../controller/ivr/conditions.js';
import type { Calendar, Flow } from '../../controller/ivr/schema.js';

/** The lab's sample number (dialplan/flows/hotline-en.yaml). */
export const DEMO_NUMBER = '4008001234';

/** What the demo caller does, and what the flow says must come of it at this hour. */
export interface DemoPlan {
  open: boolean;
  /** Keys the caller presses (',' waits a second). */
  dtmf: string;
  /** The outcomes the flow leads to on this path. */
  expect: CallOutcome[];
  /** What the caller will do, said before the call. */
  intro: string;
  /** Why the flow takes this path now, e.g. "outside opening hours (08:00–22:00 Asia/Shanghai; 03:00 there now)". */
  because: string;
  /** What a successful call did, said after it. */
  done: string;
}

/**
 * The demo follows the sample flow wherever the clock sends it: in hours, billing (1) and the
 * balance (1); out of hours, the closed message and voicemail. The voicemail caller speaks for a
 * few seconds after the prompt (5.5 s) and its beep, then presses # to end the message, so the
 * hotline hangs up as it would for a real caller.
 */
export function demoPlan(flow: Flow, now: Date): DemoPlan {
  const hours = hoursCalendar(flow);
  const open = hours === undefined || isOpen(hours.calendar, now);
  const because =
    hours === undefined
      ? 'the flow has no opening hours'
      : describeHours(hours.calendar, now, open);
  if (open) {
    return {
      open,
      dtmf: '1,,1',
      expect: ['completed'],
      intro: 'pressing 1 (billing), then 1 (your balance)',
      because,
      done: 'the caller chose billing, heard the balance and the hotline said goodbye',
    };
  }
  return {
    open,
    dtmf: `${','.repeat(10)}#`,
    expect: ['voicemail'],
    intro: 'listening to the closed message, leaving a message after the tone, then pressing #',
    because,
    done: 'the caller was offered voicemail and left a message',
  };
}

/** The calendar the flow's opening-hours branch reads (the first `open:` or `closed:` condition). */
function hoursCalendar(flow: Flow): { name: string; calendar: Calendar } | undefined {
  for (const node of Object.values(flow.nodes)) {
    if (node.verb !== 'branch') continue;
    for (const w of node.when) {
      const name = 'open' in w.if ? w.if.open : 'closed' in w.if ? w.if.closed : undefined;
      const calendar = name === undefined ? undefined : flow.calendars[name];
      if (name !== undefined && calendar) return { name, calendar };
    }
  }
  return undefined;
}

function describeHours(cal: Calendar, now: Date, open: boolean): string {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone: cal.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  const [date = '', time = ''] = local.split(', ');
  const hours = `${cal.open}–${cal.close} ${cal.timezone}; ${time} there now`;
  if (open) return `within opening hours (${hours})`;
  if (cal.holidays.includes(date)) return `closed for a holiday (${date}, ${cal.timezone})`;
  return `outside opening hours (${hours})`;
}
