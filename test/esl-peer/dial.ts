import { inlineApps } from './apps.js';
import { Channel } from './channel.js';
import { type CallerProfile, causeName, nowMicros } from './events.js';
import { type World, newUuid } from './world.js';

/**
 * Channels coming in (a caller dials the hotline; the dialplan parks the call, as
 * esl-b-events-plain shows) and going out (`originate`, mod_commands originate_function and
 * switch_ivr_originate, as esl-d-originate-bridge shows).
 */
export interface PlaceCallOptions {
  calledNumber: string;
  callerNumber?: string;
  callerName?: string;
  sipCallId?: string;
  /** Channel variables the call arrives with. */
  variables?: Record<string, string>;
  /** The inbound dialplan (default: park). */
  apps?: [string, string?][];
}

/**
 * What an originated endpoint does. `ring`: nothing until the test answers or rejects the leg (or
 * the ring timeout).
 */
export type EndpointBehaviour =
  { answerAfterMs: number } | { failAfterMs: number; cause: string } | { ring: true };
export type EndpointFn = (dialstring: string, vars: Record<string, string>) => EndpointBehaviour;

/**
 * Default endpoints: `error/<cause>` fails at once with that cause (mod_dptools' error endpoint);
 * `sofia/`, `user/`, `loopback/` answer after 50 ms; any other module does not exist and fails at
 * once with CHAN_NOT_IMPLEMENTED (no channel is created).
 */
export const defaultEndpoint: EndpointFn = (dial) => {
  if (dial.startsWith('error/')) return { failAfterMs: 0, cause: causeName(dial.slice(6)) };
  if (/^(sofia|user|loopback)\//.test(dial)) return { answerAfterMs: 50 };
  return { failAfterMs: 0, cause: 'CHAN_NOT_IMPLEMENTED' };
};

function profile(p: Partial<CallerProfile>): CallerProfile {
  const now = nowMicros();
  return {
    username: '',
    dialplan: '',
    callerIdName: '',
    callerIdNumber: '',
    origCallerIdName: '',
    origCallerIdNumber: '',
    calleeIdName: '',
    calleeIdNumber: '',
    networkAddr: '127.0.0.1',
    ani: '',
    destination: '',
    source: '',
    context: 'default',
    createdUs: now,
    answeredUs: 0,
    progressUs: 0,
    hangupUs: 0,
    transferUs: 0,
    bridgedUs: 0,
    ...p,
  };
}

let sessionId = 0;

export function createInbound(world: World, opts: PlaceCallOptions): Channel {
  const uuid = newUuid();
  const caller = opts.callerNumber ?? '1000';
  const name = `sofia/trunk/${caller}@127.0.0.1:5071`;
  const callId = opts.sipCallId ?? `${++sessionId}-${process.pid}@127.0.0.1`;
  const vars: [string, string][] = [
    ['direction', 'inbound'],
    ['uuid', uuid],
    ['session_id', String(++sessionId)],
    ['sip_from_user', caller],
    ['sip_from_port', '5071'],
    ['sip_from_uri', `${caller}@127.0.0.1:5071`],
    ['sip_from_host', '127.0.0.1'],
    ['channel_name', name],
    ['sip_call_id', callId],
    ['sip_network_ip', '127.0.0.1'],
    ['sip_network_port', '5071'],
    ['sip_from_display', opts.callerName ?? caller],
    ['sofia_profile_name', 'trunk'],
    ['sofia_profile_url', 'sip:mod_sofia@127.0.0.1:5090'],
    ['sip_req_user', opts.calledNumber],
    ['sip_req_uri', `${opts.calledNumber}@127.0.0.1:5090`],
    ['sip_to_user', opts.calledNumber],
    ['sip_to_uri', `${opts.calledNumber}@127.0.0.1:5090`],
    ['read_codec', 'PCMA'],
    ['read_rate', '8000'],
    ['write_codec', 'PCMA'],
    ['write_rate', '8000'],
    ['dtmf_type', 'rfc2833'],
    ['endpoint_disposition', 'RECEIVED'],
    ['call_uuid', uuid],
    ...Object.entries(opts.variables ?? {}),
  ];
  const p = profile({
    username: caller,
    dialplan: 'XML',
    callerIdName: opts.callerName ?? caller,
    callerIdNumber: caller,
    origCallerIdName: opts.callerName ?? caller,
    origCallerIdNumber: caller,
    ani: caller,
    destination: opts.calledNumber,
    source: 'mod_sofia',
    context: 'public',
  });
  const ch = new Channel(world, {
    uuid,
    name,
    direction: 'inbound',
    codec: 'PCMA',
    profile: p,
    vars,
  });
  world.channels.set(uuid, ch);
  ch.fire('CHANNEL_CREATE');
  ch.runExtension((opts.apps ?? [['park']]).map(([app, arg]) => [app, arg]));
  return ch;
}

/** Splits on spaces outside {}, [] and quotes (switch_separate_string keeps a `{…}` block whole). */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote: string | undefined;
  for (const c of s) {
    if (quote) {
      cur += c;
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '{' || c === '[' || c === '}' || c === ']') {
      depth += c === '{' || c === '[' ? 1 : -1;
      cur += c;
    } else if (c === ' ' && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** `{a=1,b='x,y'}[c=3]dialstring`: the variables (quotes stripped) and the first leg's dial string. */
export function parseDialString(aleg: string): { vars: Record<string, string>; dial: string } {
  const vars: Record<string, string> = {};
  let rest = aleg;
  for (;;) {
    const m = /^[{[<]/.exec(rest);
    if (!m) break;
    const close = rest[0] === '{' ? '}' : rest[0] === '[' ? ']' : '>';
    const end = rest.indexOf(close);
    if (end < 0) break;
    for (const pair of splitVars(rest.slice(1, end))) {
      const eq = pair.indexOf('=');
      if (eq > 0) vars[pair.slice(0, eq).trim()] = pair.slice(eq + 1).replace(/^'(.*)'$/s, '$1');
    }
    rest = rest.slice(end + 1);
  }
  return { vars, dial: rest.split(/[,|]/)[0] ?? rest };
}

function splitVars(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === "'") quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

export const ORIGINATE_SYNTAX =
  '<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] ' +
  '[<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]';

/** originate_function (the "machine" form): resolves with `+OK <uuid>\n` or `-ERR <CAUSE>\n`. */
export function originate(
  world: World,
  args: string,
  endpoint: EndpointFn,
  onLeg: (ch: Channel) => void,
): Promise<string> {
  const argv = splitArgs(args);
  if (argv.length < 2 || argv.length > 7) return Promise.resolve(`-USAGE: ${ORIGINATE_SYNTAX}\n`);
  const [aleg = '', exten = '', dp, , cidName, cidNum, timeoutArg] = argv;
  const { vars, dial } = parseDialString(aleg);
  const uuid = vars['origination_uuid'] ?? newUuid();
  if (world.channels.has(uuid)) return Promise.resolve('-ERR DESTINATION_OUT_OF_ORDER\n');
  const behaviour = endpoint(dial, vars);
  if ('failAfterMs' in behaviour && behaviour.failAfterMs <= 0)
    return Promise.resolve(`-ERR ${causeName(behaviour.cause)}\n`);
  const apps = extensionOf(exten, dp);
  const parts = dial.split('/');
  const target = (parts.slice(2).join('/') || parts[1] || dial).replace(/^sips?:/, '');
  const user = target.split('@')[0] ?? target;
  const name = parts.length > 2 ? `${parts[0]}/${parts[1]}/${target}` : dial;
  const callerName =
    vars['origination_caller_id_name'] ?? (cidName && cidName !== 'undef' ? cidName : '');
  const callerNumber =
    vars['origination_caller_id_number'] ?? (cidNum && cidNum !== 'undef' ? cidNum : '0000000000');
  const p = profile({
    callerIdName: callerName,
    callerIdNumber: callerNumber,
    origCallerIdNumber: callerNumber,
    calleeIdName: 'Outbound Call',
    calleeIdNumber: user,
    ani: callerNumber,
    destination: user,
    source: 'src/switch_ivr_originate.c',
  });
  const chVars: [string, string][] = [
    ['direction', 'outbound'],
    ['is_outbound', 'true'],
    ['uuid', uuid],
    ['call_uuid', uuid],
    ['session_id', String(++sessionId)],
    ['channel_name', name],
    ...Object.entries(vars),
    ['originate_early_media', 'true'],
    ['originate_endpoint', parts[0] ?? ''],
    ['sofia_profile_name', parts[1] ?? ''],
    ['read_codec', 'PCMU'],
    ['read_rate', '8000'],
    ['write_codec', 'PCMU'],
    ['write_rate', '8000'],
  ];
  const ch = new Channel(world, {
    uuid,
    name,
    direction: 'outbound',
    codec: 'PCMU',
    profile: p,
    vars: chVars,
  });
  ch.stateName = 'CS_CONSUME_MEDIA';
  ch.stateNumber = 7;
  world.channels.set(uuid, ch);
  ch.fire('CHANNEL_CREATE');
  onLeg(ch);
  const timeoutSec = Number(vars['originate_timeout'] ?? timeoutArg) || 60;
  return new Promise((resolve) => {
    const cancels: (() => void)[] = [];
    const settle = (reply: string): void => {
      cancels.forEach((c) => c());
      resolve(reply);
    };
    ch.onHangup.push((cause) => settle(`-ERR ${cause}\n`));
    void ch.answered.then(() => {
      if (ch.gone || ch.hangupCause) return;
      ch.onHangup.length = 0;
      settle(`+OK ${uuid}\n`);
      // switch_ivr_originate returns (BACKGROUND_JOB), then the leg runs its extension with the caller id flipped.
      world.timers.defer(() => {
        const q = ch.profile;
        [q.callerIdName, q.calleeIdName] = [q.calleeIdName, q.callerIdName];
        [q.callerIdNumber, q.calleeIdNumber] = [q.calleeIdNumber, q.callerIdNumber];
        ch.setVar('channel_cid_flipped', 'yes');
        if (apps) ch.runExtension(apps);
        else ch.hangup('NO_ROUTE_DESTINATION', 'local');
      });
    });
    cancels.push(world.timers.after(timeoutSec * 1000, () => ch.hangup('NO_ANSWER', 'local')));
    if ('answerAfterMs' in behaviour)
      cancels.push(world.timers.after(behaviour.answerAfterMs, () => ch.answer('remote')));
    if ('failAfterMs' in behaviour)
      cancels.push(
        world.timers.after(behaviour.failAfterMs, () => ch.hangup(behaviour.cause, 'remote')),
      );
  });
}

/** `&app(arg)` / `&app`, or `<exten> inline`; an XML dialplan extension is not modelled (undefined). */
function extensionOf(
  exten: string,
  dp: string | undefined,
): [string, string | undefined][] | undefined {
  if (exten.startsWith('&')) {
    const m = /^&([^(]+)(?:\((.*)\))?$/s.exec(exten);
    return m ? [[m[1] ?? '', m[2] || undefined]] : undefined;
  }
  return dp === 'inline' ? inlineApps(exten) : undefined;
}
