import { type ApiHost, runApi } from './api.js';
import { causeName } from './events.js';
import { type ClientCommand, type Header, headerOf } from './frames.js';
import { newUuid } from './world.js';

/**
 * The commands that hand work to the core rather than answer at once (mod_event_socket.c
 * parse_command and api_exec, switch_ivr.c switch_ivr_parse_event).
 */

/**
 * `bgapi <cmd> <args>`: the connection has already replied `+OK Job-UUID: <id>`; the command runs
 * "in its own thread" and its output becomes the body of a BACKGROUND_JOB event with Job-UUID,
 * Job-Command and (when there were arguments) Job-Command-Arg (api_exec; esl-b-events-plain.txt
 * shows uuid_record's RECORD_START before its BACKGROUND_JOB, esl-d-originate-bridge.txt shows
 * originate's CHANNEL_ANSWER before it). An unknown command's body is "-ERR <cmd> Command not
 * found!\n"; an empty output gives an event without a body (switch_event_add_body of "").
 * `forced` replaces the output (failNext 'err').
 */
export function runBgapi(
  host: ApiHost,
  cmd: string,
  args: string,
  jobUuid: string,
  forced?: string,
): void {
  const fire = (body: string): void => {
    const headers: Header[] = [
      ...host.world.factory.base('BACKGROUND_JOB'),
      ['Job-UUID', jobUuid],
      ['Job-Command', cmd],
    ];
    if (args) headers.push(['Job-Command-Arg', args]);
    host.world.fire({ name: 'BACKGROUND_JOB', headers, body });
  };
  if (forced !== undefined) {
    host.world.timers.defer(() => fire(forced));
    return;
  }
  let out;
  try {
    out = runApi(host, cmd, args) ?? `-ERR ${cmd} Command not found!\n`;
  } catch (err) {
    out = `-ERR ${String(err)}\n`;
  }
  if (typeof out === 'string') {
    fire(out);
    return;
  }
  out
    .then(fire, (err: unknown) => fire(`-ERR ${String(err)}\n`))
    .catch((err: unknown) => host.world.timers.errors.push(err));
}

/** switch_true: "yes", "on", "true", "t", "enabled", "active", "allow" or a non-zero number. */
function truthy(v: string | undefined): boolean {
  if (!v) return false;
  return (
    /^(yes|on|true|t|enabled|active|allow)$/i.test(v) || (/^-?\d+$/.test(v) && Number(v) !== 0)
  );
}

/**
 * `sendmsg <uuid>` (or a `session-id` header): "-ERR invalid session id [<uuid>]" when no such
 * channel, else the message is queued on the session and the reply is "+OK"
 * (switch_core_session_queue_private_event). The session handles it later
 * (switch_ivr_parse_event):
 * - `call-command: execute`: `execute-app-name`, `execute-app-arg` (or the body when
 *   `content-type: text/plain`), `loops`, `event-lock`, `event-uuid` (becomes Application-UUID);
 * - `call-command: hangup`: `hangup-cause` (default NORMAL_CLEARING);
 * - `unicast`, `nomedia`, `xferext` and the rest: accepted and ignored (not modelled).
 * Header names are case-insensitive (switch_event_get_header).
 */
export function sendmsg(host: ApiHost, uuid: string, cmd: ClientCommand): string {
  const ch = uuid ? host.world.channels.get(uuid) : undefined;
  if (!ch?.isUp) return `-ERR invalid session id [${uuid || '(null)'}]`;
  const callCommand = (headerOf(cmd, 'call-command') ?? '').toLowerCase();
  if (callCommand === 'execute') {
    const app = headerOf(cmd, 'execute-app-name');
    if (!app) return '+OK';
    let arg = headerOf(cmd, 'execute-app-arg');
    if (!arg && (headerOf(cmd, 'content-type') ?? '').toLowerCase() === 'text/plain')
      arg = cmd.body;
    const loops = Number.parseInt(headerOf(cmd, 'loops') ?? '1', 10);
    ch.enqueue(app, arg, {
      appUuid: headerOf(cmd, 'event-uuid'),
      eventLock: truthy(headerOf(cmd, 'event-lock')),
      loops: Number.isFinite(loops) && loops > 0 ? loops : 1,
    });
  } else if (callCommand === 'hangup') {
    const cause = causeName(headerOf(cmd, 'hangup-cause'));
    host.world.timers.defer(() => ch.hangup(cause, 'local'));
  }
  return '+OK';
}

/**
 * `sendevent <NAME>` with headers (and a body): fired as that event with an `Event-UUID` header
 * added; the reply is "+OK <Event-UUID>" (parse_command, sendevent). An event whose `unique-id`
 * names a live channel goes to that session instead; one carrying `call-command` is handled like
 * sendmsg. A CUSTOM event takes its `Event-Subclass` header.
 */
export function sendevent(host: ApiHost, cmd: ClientCommand): string {
  const eventUuid = newUuid();
  const target = headerOf(cmd, 'unique-id');
  const ch = target ? host.world.channels.get(target) : undefined;
  if (ch?.isUp) {
    if (headerOf(cmd, 'call-command')) sendmsg(host, ch.uuid, cmd);
    return `+OK ${eventUuid}`;
  }
  const name = cmd.line.slice(9).trim().split(/\s+/)[0]?.toUpperCase() || 'CLONE';
  const subclass = name === 'CUSTOM' ? headerOf(cmd, 'event-subclass') : undefined;
  const own = cmd.headers.filter(([n]) => !/^(event-name|event-subclass|content-length)$/i.test(n));
  const headers: Header[] = [
    ...host.world.factory.base(name, { subclass, where: 'sendevent' }),
    ...own,
    ['Event-UUID', eventUuid],
  ];
  host.world.fire({ name, subclass, headers, body: cmd.body });
  return `+OK ${eventUuid}`;
}
