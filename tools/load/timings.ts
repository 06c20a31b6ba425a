/**
 * Matches each caller with the agent phone rung for it, from the SIPp logs of the caller process
 * and of every phone process (`<epoch seconds> <step> <caller number>` lines, wall clock, so
 * processes compare), and turns the steps into the report's times and counts.
 */
export interface CallSteps {
  invite?: number;
  answered?: number;
  keys?: number;
  bye?: number;
  /** 503 before answer: refused by overload control. */
  refused?: number;
  /** The first agent INVITE for this caller (ring-all rings several). */
  agentInvite?: number;
  agentAcked?: number;
}

// Phones log the caller as the From URI's start, `sip:NUMBER`, then the agent as `sip:AGENT`.
const LINE =
  /^(\d+\.\d+)\s+(invite|answered|keys|bye|refused|acked|hangup)\s+(?:sip:)?(\S+)(?:\s+(?:sip:)?(\S+))?\s*$/;

export function matchSteps(callerLog: string[], phoneLogs: string[]): Map<string, CallSteps> {
  const calls = new Map<string, CallSteps>();
  const at = (n: string): CallSteps => {
    let c = calls.get(n);
    if (!c) calls.set(n, (c = {}));
    return c;
  };
  for (const line of callerLog) {
    const m = LINE.exec(line);
    if (!m || m[2] === 'acked' || m[2] === 'hangup') continue;
    const c = at(m[3]!);
    const step = m[2] as 'invite' | 'answered' | 'keys' | 'bye' | 'refused';
    c[step] ??= Number(m[1]);
  }
  for (const line of phoneLogs) {
    const m = LINE.exec(line);
    if (!m || !calls.has(m[3]!)) continue;
    const c = at(m[3]!);
    const t = Number(m[1]);
    if (m[2] === 'invite') c.agentInvite = Math.min(c.agentInvite ?? Infinity, t);
    if (m[2] === 'acked') c.agentAcked ??= t;
  }
  return calls;
}

export interface Percentiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const pct = (p: number): number =>
    round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
  return { n: s.length, p50: pct(50), p90: pct(90), p99: pct(99), max: round(s[s.length - 1]!) };
}

export interface CallFigures {
  /** INVITEs the callers sent (RFC 7501 session attempts). */
  attempts: number;
  /** Calls answered 200 OK (RFC 7501 established sessions). */
  established: number;
  /** Calls refused cleanly (503 before answer) by overload control. */
  refused: number;
  /** Calls an agent phone answered, that stayed up until the agent hung up after its talk time. */
  bridged: number;
  /** Calls whose caller reached an agent's phone at all (rung). */
  rung: number;
  setupMs: Percentiles | undefined;
  /** Caller's INVITE sent to the agent's INVITE received: the whole path, as a caller lives it. */
  inviteToAgentMs: Percentiles | undefined;
  /**
   * The caller's last key (or the answer, with no keys) to the agent's INVITE: queue to agent.
   * After keys it is only as exact as SIPp's own timers and pcap thread (some ms; a ring that
   * lands within them reads 0).
   */
  queueToAgentMs: Percentiles | undefined;
}

/**
 * `talkMs`: the agents' talk time; a bridged call's caller hears the BYE no sooner than that after
 * the agent answered.
 */
export function callFigures(calls: Map<string, CallSteps>, talkMs: number): CallFigures {
  const setup: number[] = [];
  const whole: number[] = [];
  const queue: number[] = [];
  let established = 0;
  let bridged = 0;
  let rung = 0;
  let refused = 0;
  for (const c of calls.values()) {
    if (c.refused !== undefined) refused++;
    if (c.answered !== undefined) established++;
    if (c.invite !== undefined && c.answered !== undefined)
      setup.push(1000 * (c.answered - c.invite));
    if (c.agentInvite === undefined) continue;
    rung++;
    if (c.invite !== undefined) whole.push(1000 * (c.agentInvite - c.invite));
    const entered = c.keys ?? c.answered;
    if (entered !== undefined) queue.push(1000 * Math.max(0, c.agentInvite - entered));
    // 250 ms of slack: the agent's BYE crosses Asterisk before the caller's.
    if (
      c.agentAcked !== undefined &&
      c.bye !== undefined &&
      1000 * (c.bye - c.agentAcked) >= talkMs - 250
    )
      bridged++;
  }
  return {
    attempts: [...calls.values()].filter((c) => c.invite !== undefined).length,
    established,
    refused,
    bridged,
    rung,
    setupMs: percentiles(setup),
    inviteToAgentMs: percentiles(whole),
    queueToAgentMs: percentiles(queue),
  };
}

const round = (v: number): number => Math.round(v * 10) / 10;

/**
 * Times an agent's phone was rung while that agent was on another call (between its answer and
 * its hang-up): an agent booked twice. Needs the phones' agent field; lines without it are skipped.
 */
export function doubleBookings(phoneLogs: string[]): number {
  const calls = new Map<string, { acked?: number; hangup?: number; invite?: number }>();
  for (const line of phoneLogs) {
    const m = LINE.exec(line);
    if (!m || !m[4] || (m[2] !== 'invite' && m[2] !== 'acked' && m[2] !== 'hangup')) continue;
    const key = `${m[4]} ${m[3]}`;
    const c = calls.get(key) ?? {};
    c[m[2]] ??= Number(m[1]);
    calls.set(key, c);
  }
  const byAgent = new Map<string, { acked?: number; hangup?: number; invite?: number }[]>();
  for (const [key, c] of calls) {
    const agent = key.slice(0, key.indexOf(' '));
    byAgent.set(agent, [...(byAgent.get(agent) ?? []), c]);
  }
  let twice = 0;
  for (const list of byAgent.values()) {
    const busy = list.filter((c) => c.acked !== undefined && c.hangup !== undefined);
    for (const c of list) {
      const t = c.invite;
      if (t !== undefined && busy.some((b) => b !== c && b.acked! < t && t < b.hangup!)) twice++;
    }
  }
  return twice;
}
