/**
 * The agents `hotline load` puts on the lab: one PJSIP endpoint each (written into the lab's
 * Asterisk configuration as pjsip_load.conf), spread over several loopback addresses, each address
 * answered by one SIPp phone process.
 */
export interface LoadAgent {
  id: string;
  /** Dial string, the same for the controller and for app_queue. */
  endpoint: string;
  /** Where its SIPp phone answers. */
  address: string;
}

export const AGENT_PORT = 5080;
/** Callers of the app_queue baseline come from here, so Asterisk sends them to the baseline dialplan. */
export const BASELINE_CALLER_ADDRESS = '127.0.3.1';

/** 127.0.2.1, 127.0.2.2, ...: away from the lab's own 127.0.0.x addresses. */
export function phoneAddresses(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 200)
    throw new RangeError('phone addresses: a whole number from 1 to 200');
  return Array.from({ length: count }, (_, i) => `127.0.2.${i + 1}`);
}

export function loadAgents(count: number, addresses: number): LoadAgent[] {
  if (!Number.isInteger(count) || count < 1 || count > 20_000)
    throw new RangeError('agents: a whole number from 1 to 20000');
  const where = phoneAddresses(addresses);
  return Array.from({ length: count }, (_, i) => {
    const id = `load-${String(i + 1).padStart(5, '0')}`;
    return { id, endpoint: `PJSIP/${id}`, address: where[i % where.length]! };
  });
}

/** pjsip_load.conf: the agents' endpoints and AORs, and the baseline callers' trunk. */
export function pjsipLoadConf(agents: LoadAgent[]): string {
  // agent-template is pjsip.conf's own (this file is included after it): the same codecs, DTMF
  // and media settings as the lab's agents; the baseline callers only change the context.
  const lines = [
    '; Written by `hotline load` for one run; removed when it ends. Not part of the deployed configuration.',
    '[load-baseline-callers](agent-template)',
    'context = load-baseline',
    '',
    '[load-baseline-callers]',
    'type = identify',
    'endpoint = load-baseline-callers',
    `match = ${BASELINE_CALLER_ADDRESS}/32`,
    '',
  ];
  for (const a of agents) {
    lines.push(
      `[${a.id}](agent-template)`,
      `aors = ${a.id}`,
      `[${a.id}]`,
      'type = aor',
      `contact = sip:${a.id}@${a.address}:${AGENT_PORT}`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
