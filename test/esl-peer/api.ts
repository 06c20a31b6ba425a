import { inlineApps } from './apps.js';
import { uuidBridge } from './bridge.js';
import type { Channel } from './channel.js';
import { type CJValue, cjObject, cjPrint } from './cjson.js';
import { conferenceApi } from './conference-api.js';
import { type EndpointFn, originate } from './dial.js';
import { causeName, localStamp } from './events.js';
import { type World, newUuid } from './world.js';

/**
 * API commands (`api` / `bgapi`), replies as mod_commands words them (mod_commands.c):
 *   uuid_kill:    "+OK\n" | "-ERR No Such Channel!\n"           (kill_function; default NORMAL_CLEARING)
 *   uuid_answer:  "+OK\n" (captured) | "-ERROR\n"
 *   uuid_setvar:  "+OK\n" | "-ERR No Such Channel!\n" | "-USAGE: <uuid> <var> [value]\n"
 *   uuid_getvar:  the value or "_undef_" (no newline) | "-ERR No Such Channel!\n"
 *   uuid_exists:  "true" | "false" (no newline)
 *   uuid_break:   nothing (api: "-ERR no reply\n") | "-ERR No Such Channel!\n"
 *   uuid_send_dtmf / uuid_recv_dtmf: nothing | "-ERR Cannot locate session!\n"
 *   uuid_record:  "+OK Success\n" | "-ERR Cannot locate session!\n" | "-ERR Cannot record session!\n"
 *                 | "-ERR Cannot stop record session!\n" | "-USAGE: <uuid> [start|stop] <path> [<limit>]\n"
 *   uuid_transfer: "+OK\n" | "-ERR No Such Channel!\n"
 *   uuid_bridge:  "+OK <other_uuid>\n" | "-ERR Invalid uuid\n" (bridge.ts)
 *   originate:    "+OK <uuid>\n" | "-ERR <CAUSE>\n"
 *   show channels as json: cJSON_PrintUnformatted of {row_count, rows}; none: "{\"row_count\": 0}\n"
 * A command that writes nothing: api answers "-ERR no reply\n" (mod_event_socket api_exec); an
 * unknown command: "-ERR <cmd> Command not found!\n".
 */
export interface ApiHost {
  readonly world: World;
  readonly startedAt: number;
  readonly modules: readonly string[];
  endpoint: EndpointFn;
  sessionsSinceStart: number;
  peakSessions: number;
  onLeg(ch: Channel): void;
  fsctlShutdown(): void;
}

export type ApiOutput = string | Promise<string>;
type Handler = (host: ApiHost, args: string) => ApiOutput;

function locate(host: ApiHost, uuid: string | undefined): Channel | undefined {
  const ch = uuid ? host.world.channels.get(uuid) : undefined;
  return ch?.isUp ? ch : undefined;
}

function words(args: string, max = Infinity): string[] {
  const parts = args.trim().split(/\s+/).filter(Boolean);
  if (parts.length <= max) return parts;
  return [...parts.slice(0, max - 1), parts.slice(max - 1).join(' ')];
}

const NO_SUCH = '-ERR No Such Channel!\n';

const HANDLERS: Record<string, Handler> = {
  status(host) {
    const up = Date.now() - host.startedAt;
    const d = Math.floor(up / 86_400_000);
    const h = Math.floor(up / 3_600_000) % 24;
    const m = Math.floor(up / 60_000) % 60;
    const s = Math.floor(up / 1000) % 60;
    const live = [...host.world.channels.values()].filter((c) => !c.gone).length;
    return (
      `UP 0 years, ${d} days, ${h} hours, ${m} minutes, ${s} seconds, ${up % 1000} milliseconds, 0 microseconds\n` +
      'FreeSWITCH (Version 1.10.12-release  64bit) is ready\n' +
      `${host.sessionsSinceStart} session(s) since startup\n` +
      `${live} session(s) - peak ${host.peakSessions}, last 5min ${host.peakSessions} \n` +
      `0 session(s) per Sec out of max 50, peak ${host.peakSessions}, last 5min ${host.peakSessions} \n` +
      '200 session(s) max\nmin idle cpu 0.00/99.53\nCurrent Stack Size/Max 240K/8192K\n'
    );
  },
  version: (_host, args) =>
    args.trim() === 'short' ? '1.10.12\n' : 'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n',
  module_exists: (host, args) => (host.modules.includes(args.trim()) ? 'true' : 'false'),
  hostname: (host) => host.world.factory.core.hostname,
  switchname: (host) => host.world.factory.core.hostname,
  create_uuid: () => newUuid(),
  echo: (_host, args) => args,
  global_getvar: () => '',
  msleep: (host, args) =>
    new Promise((resolve) => host.world.timers.after(Number(args) || 0, () => resolve('+OK\n'))),
  show: (host, args) => show(host, args),
  uuid_answer(host, args) {
    const ch = locate(host, args.trim());
    if (!ch) return '-ERROR\n';
    ch.answer();
    return '+OK\n';
  },
  uuid_kill(host, args) {
    const [uuid, cause] = words(args, 2);
    if (!uuid) return '-USAGE: <uuid> [cause]\n';
    const ch = locate(host, uuid);
    if (!ch) return NO_SUCH;
    host.world.timers.defer(() => ch.hangup(causeName(cause), 'local'));
    return '+OK\n';
  },
  uuid_setvar(host, args) {
    const [uuid, name, value] = words(args, 3);
    if (!uuid || !name) return '-USAGE: <uuid> <var> [value]\n';
    const ch = locate(host, uuid);
    if (!ch) return NO_SUCH;
    ch.setVar(name, value);
    return '+OK\n';
  },
  uuid_setvar_multi(host, args) {
    const [uuid, rest] = words(args, 2);
    const ch = locate(host, uuid);
    if (!uuid || !rest) return '-USAGE: <uuid> <var>=<value>;<var>=<value>...\n';
    if (!ch) return NO_SUCH;
    for (const pair of rest.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) ch.setVar(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return '+OK\n';
  },
  uuid_getvar(host, args) {
    const [uuid, name] = words(args, 2);
    if (!uuid || !name) return '-USAGE: <uuid> <var>\n';
    const ch = locate(host, uuid);
    if (!ch) return NO_SUCH;
    return ch.vars.get(name) ?? '_undef_';
  },
  uuid_exists: (host, args) => (locate(host, args.trim()) ? 'true' : 'false'),
  uuid_break(host, args) {
    const [uuid, flag] = words(args, 2);
    if (!uuid) return '-USAGE: <uuid> [all]\n';
    const ch = locate(host, uuid);
    if (!ch) return NO_SUCH;
    ch.breakApp(!!flag?.includes('all'));
    return '';
  },
  uuid_send_dtmf(host, args) {
    const [uuid, digits] = words(args, 2);
    if (!uuid || !digits) return '-USAGE: <uuid> <dtmf_data>\n';
    const ch = locate(host, uuid);
    if (!ch) return '-ERR Cannot locate session!\n';
    ch.note({ type: 'dtmf-out', digits: digits.split('@')[0] ?? digits });
    return '';
  },
  uuid_recv_dtmf(host, args) {
    const [uuid, digits] = words(args, 2);
    if (!uuid || !digits) return '-USAGE: <uuid> <dtmf_data>\n';
    const ch = locate(host, uuid);
    if (!ch) return '-ERR Cannot locate session!\n';
    for (const d of digits.split('@')[0] ?? '') ch.receiveDtmf(d, 2000, 'APP');
    return '';
  },
  uuid_record(host, args) {
    const [uuid, action, path, limit] = words(args, 4);
    if (!uuid || !action || !path) return '-USAGE: <uuid> [start|stop] <path> [<limit>]\n';
    const ch = locate(host, uuid);
    if (!ch) return '-ERR Cannot locate session!\n';
    if (action.toLowerCase() === 'start')
      return ch.bugs.start(path, Number(limit) || 0)
        ? '+OK Success\n'
        : '-ERR Cannot record session!\n';
    if (action.toLowerCase() === 'stop')
      return ch.bugs.stop(path, 'success-maxtime')
        ? '+OK Success\n'
        : '-ERR Cannot stop record session!\n';
    return '-USAGE: <uuid> [start|stop] <path> [<limit>]\n';
  },
  uuid_transfer(host, args) {
    const argv = words(args);
    if (argv.length < 2 || argv.length > 5)
      return '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';
    const ch = locate(host, argv[0]);
    if (!ch) return NO_SUCH;
    const [dest = '', dialplan] = argv[1]?.startsWith('-') ? argv.slice(2) : argv.slice(1);
    const apps =
      dialplan === 'inline'
        ? inlineApps(dest)
        : [['hangup', 'NO_ROUTE_DESTINATION'] as [string, string]];
    host.world.timers.defer(() => ch.transfer(apps, `${dest} ${dialplan ?? 'XML'}`));
    return '+OK\n';
  },
  uuid_park(host, args) {
    const ch = locate(host, args.trim());
    if (!ch) return NO_SUCH;
    host.world.timers.defer(() => ch.transfer([['park', undefined]], 'park'));
    return '+OK\n';
  },
  uuid_bridge: (host, args) => uuidBridge(host.world, args),
  originate: (host, args) => originate(host.world, args, host.endpoint, (ch) => host.onLeg(ch)),
  conference: (host, args) => conferenceApi(host.world, args),
  hupall(host, args) {
    const cause = causeName(words(args)[0], 'MANAGER_REQUEST');
    for (const ch of [...host.world.channels.values()])
      host.world.timers.defer(() => ch.hangup(cause, 'local'));
    return `+OK hangup all channels with cause ${cause}\n`;
  },
  fsctl(host, args) {
    const [sub] = words(args);
    if (sub?.toLowerCase() !== 'shutdown') return '-ERR INVALID COMMAND\n';
    host.fsctlShutdown();
    return '+OK\n';
  },
  sofia: (_host, args) =>
    args.trim() === 'status'
      ? '                     Name\t   Type\t                                      Data\tState\n' +
        `${'='.repeat(97)}\n` +
        '                    trunk\tprofile\t              sip:mod_sofia@127.0.0.1:5090\tRUNNING (0)\n' +
        `${'='.repeat(97)}\n` +
        '1 profile 0 aliases\n'
      : '-ERR Usage: sofia status\n',
};

/** Runs an API command; undefined when there is no such command. */
export function runApi(host: ApiHost, cmd: string, args: string): ApiOutput | undefined {
  const handler = HANDLERS[cmd.toLowerCase()];
  return handler?.(host, args);
}

/** `show channels [as json]` / `show calls [as json]` / `show channels count` (show_function over the core DB). */
function show(host: ApiHost, args: string): string {
  const argv = words(args);
  const what = argv[0]?.toLowerCase();
  if (what !== 'channels' && what !== 'calls')
    return '-USAGE: codec|endpoint|application|api|channels|calls|...\n';
  const lag = host.world.opts.showChannelsLagMs;
  const rows = [...host.world.channels.values()]
    .filter((c) => !c.gone && Date.now() - c.createdAt >= lag)
    .sort((a, b) => a.createdAt - b.createdAt);
  if (argv[1] === 'count') return `\n${rows.length} total.\n`;
  if (argv[1] === 'as' && argv[2] === 'json') {
    if (!rows.length) return '{"row_count": 0}\n';
    return cjPrint(
      cjObject([
        ['row_count', rows.length],
        ['rows', rows.map((c) => channelRow(host, c))],
      ]),
      false,
    );
  }
  const cols = [
    'uuid',
    'direction',
    'created',
    'created_epoch',
    'name',
    'state',
    'cid_name',
    'cid_num',
    'ip_addr',
    'dest',
    'application',
    'application_data',
    'callstate',
  ];
  const lines = rows.map((c) => {
    const row = channelRow(host, c);
    return cols
      .map((k) => {
        const v = row.get(k);
        return typeof v === 'string' ? v : '';
      })
      .join(',');
  });
  return `${cols.join(',')}\n${lines.map((l) => `${l}\n`).join('')}\n${rows.length} total.\n`;
}

function channelRow(host: ApiHost, c: Channel): Map<string, CJValue> {
  const p = c.profile;
  const inbound = c.direction === 'inbound';
  const app = c.current;
  return cjObject([
    ['uuid', c.uuid],
    ['direction', c.direction],
    ['created', localStamp(new Date(c.createdAt))],
    ['created_epoch', String(Math.floor(c.createdAt / 1000))],
    ['name', c.name],
    ['state', c.stateName],
    ['cid_name', p.callerIdName],
    ['cid_num', p.callerIdNumber],
    ['ip_addr', inbound ? p.networkAddr : ''],
    ['dest', p.destination],
    ['application', app?.app ?? ''],
    ['application_data', app?.arg ?? ''],
    ['dialplan', p.dialplan],
    ['context', p.context],
    ['read_codec', c.codec],
    ['read_rate', '8000'],
    ['read_bit_rate', '64000'],
    ['write_codec', c.codec],
    ['write_rate', '8000'],
    ['write_bit_rate', '64000'],
    ['secure', ''],
    ['hostname', host.world.factory.core.hostname],
    ['presence_id', ''],
    ['presence_data', ''],
    ['accountcode', ''],
    ['callstate', c.callState],
    ['callee_name', ''],
    ['callee_num', ''],
    ['callee_direction', ''],
    ['call_uuid', ''],
    ['sent_callee_name', ''],
    ['sent_callee_num', ''],
    ['initial_cid_name', p.origCallerIdName],
    ['initial_cid_num', p.origCallerIdNumber],
    ['initial_ip_addr', inbound ? p.networkAddr : ''],
    ['initial_dest', p.destination],
    ['initial_dialplan', p.dialplan],
    ['initial_context', p.context],
  ]);
}
