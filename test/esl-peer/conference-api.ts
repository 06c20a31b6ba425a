import { type CJValue, cjObject, cjPrint } from './cjson.js';
import type { Conference, Member } from './conference.js';
import type { World } from './world.js';

/**
 * The `conference` API (conference_api.c conference_api_main_real / conference_api_dispatch),
 * replies worded as there:
 *   conference list | count | json_list [compact]        (json_list lists ALL conferences:
 *                                                         a name after it is not looked at)
 *   conference <name> list|count|json_list|play|stop|kick|hup|mute|unmute|deaf|undeaf|
 *                     record|norecord|pause|resume|recording|chkrecord|lock|unlock|get
 *   unknown conference: "-ERR Conference <name> not found\n"
 *   unknown subcommand: "-ERR Conference command '<sub>' not found.\n"
 */
const SYNTAX: Record<string, string> = {
  play: 'play <file_path> [async|<member_id> [nomux]]',
  stop: 'stop <[current|all|async|last]> [<member_id>]',
  kick: 'kick <[member_id|all|last|non_moderator]> [<optional sound file>]',
  hup: 'hup <[member_id|all|last|non_moderator]>',
  mute: 'mute <[member_id|all]|last|non_moderator> [<quiet>]',
  unmute: 'unmute <[member_id|all]|last|non_moderator> [<quiet>]',
  deaf: 'deaf <[member_id|all]|last|non_moderator>',
  undeaf: 'undeaf <[member_id|all]|last|non_moderator>',
  record: 'record <filename>',
  norecord: 'norecord <[filename|all]>',
  pause: 'pause <filename>',
  resume: 'resume <filename>',
  recording: 'recording [start|stop|check|pause|resume] [<filename>|all]',
  get: 'get <parameter-name>',
};

type MemberCmd = (conf: Conference, m: Member, extra: string | undefined) => string;

const MEMBER_CMDS: Record<string, MemberCmd> = {
  kick(conf, m) {
    conf.fire('kick-member', [], m);
    m.end?.();
    return `+OK kicked ${m.id}\n`;
  },
  hup(conf, m) {
    conf.fire('hup-member', [], m);
    m.end?.();
    return `+OK hup ${m.id}\n`;
  },
  mute: (conf, m) => setFlag(conf, m, 'speak', false, 'mute'),
  unmute: (conf, m) => setFlag(conf, m, 'speak', true, 'unmute'),
  deaf: (conf, m) => setFlag(conf, m, 'hear', false, 'deaf'),
  undeaf: (conf, m) => setFlag(conf, m, 'hear', true, 'undeaf'),
};

function setFlag(
  conf: Conference,
  m: Member,
  flag: 'speak' | 'hear',
  value: boolean,
  word: string,
): string {
  m[flag] = value;
  conf.fire(`${word}-member`, [], m);
  return `+OK ${word} ${m.id}\n`;
}

export function conferenceApi(world: World, args: string): string {
  const argv = args.trim().split(/\s+/).filter(Boolean);
  const [first, sub] = argv;
  if (!first) return 'USAGE: conference <conf name> <command> [args]\n';
  const conf = world.conferences.get(first);
  if (conf) {
    if (!sub) return "Conference command, not specified.\nTry 'help'\n";
    return dispatch(conf, sub.toLowerCase(), argv);
  }
  switch (first.toLowerCase()) {
    case 'list': {
      const all = [...world.conferences.values()];
      if (!all.length) return '+OK No active conferences.\n';
      return all
        .map(
          (c) =>
            `+OK Conference ${c.name} (${c.count} member${c.count === 1 ? '' : 's'} rate: 8000 flags: running|answered|dynamic)\n${list(c, ';')}`,
        )
        .join('');
    }
    case 'count':
      return String(world.conferences.size);
    case 'json_list':
      return jsonList([...world.conferences.values()], sub === 'compact');
    default:
      return `-ERR Conference ${first} not found\n`;
  }
}

function dispatch(conf: Conference, sub: string, argv: string[]): string {
  const a2 = argv[2];
  const a3 = argv[3];
  const usage = `${SYNTAX[sub] ?? sub}`;
  const memberCmd = MEMBER_CMDS[sub];
  if (memberCmd) {
    const channelMembers = conf.members;
    const id = Number.parseInt(a2 ?? '', 10);
    if (id > 0) {
      const m = conf.member(id);
      return m && m.ch.isUp ? memberCmd(conf, m, a3) : `-ERR Non-Existant ID ${id}\n`;
    }
    if (a2 === 'all' || a2 === 'non_moderator') {
      return [...channelMembers]
        .filter((m) => a2 === 'all' || !m.moderator)
        .map((m) => memberCmd(conf, m, a3))
        .join('');
    }
    if (a2 === 'last') {
      const last = [...channelMembers].sort((x, y) => y.id - x.id)[0];
      return last ? memberCmd(conf, last, a3) : '';
    }
    return usage;
  }
  switch (sub) {
    case 'list':
      return a2 === 'count'
        ? String(conf.count)
        : a2 === 'pretty'
          ? conf.members
              .map(
                (m) => `${m.id}) ${m.ch.profile.callerIdName} (${m.ch.profile.callerIdNumber})\n`,
              )
              .join('')
          : list(conf, a2 === 'delim' && a3 ? a3 : ';');
    case 'count':
      return String(conf.count);
    case 'json_list':
      return jsonList([conf], a2 === 'compact');
    case 'play': {
      if (!a2) return usage;
      if (a3 && a3 !== 'async') {
        const m = conf.member(Number.parseInt(a3, 10));
        if (!m) return `-ERR Member: ${a3} not found.\n`;
        if (!conf.play(a2, m)) return `-ERR (play) File: ${a2} not found.\n`;
        conf.fire('play-file-member', [], m, [['File', a2]]);
        return `+OK (play) Playing file ${a2} to member ${m.id}\n`;
      }
      if (!conf.play(a2)) return `-ERR (play) File: ${a2} not found.\n`;
      conf.fire('play-file', [], undefined, [
        ['File', a2],
        ['Async', a3 === 'async' ? 'true' : 'false'],
      ]);
      return `+OK (play) Playing file ${a2}\n`;
    }
    case 'stop': {
      const how = a2 ?? 'all';
      if (!['current', 'all', 'async', 'last'].includes(how)) return usage;
      const which = how === 'all' ? 'all' : 'current';
      if (a3) {
        const m = conf.member(Number.parseInt(a3, 10));
        return m
          ? `+OK Stopped ${conf.stop(which, m)} files.\n`
          : `-ERR Member: ${a3} not found.\n`;
      }
      return `+OK Stopped ${conf.stop(which)} files.\n`;
    }
    case 'record':
      return record(conf, a2, usage);
    case 'norecord':
      return norecord(conf, a2, usage);
    case 'pause':
    case 'resume':
      return pauseRec(conf, sub, a2, usage);
    case 'recording':
      if (a2 === 'start') return record(conf, a3, SYNTAX['recording'] ?? '');
      if (a2 === 'stop') return norecord(conf, a3 ?? 'all', SYNTAX['recording'] ?? '');
      if (a2 === 'pause' || a2 === 'resume')
        return pauseRec(conf, a2, a3, SYNTAX['recording'] ?? '');
      if (a2 === 'check') return chkrecord(conf);
      return a2 && !a3 ? record(conf, a2, usage) : usage;
    case 'chkrecord':
      return chkrecord(conf);
    case 'lock':
    case 'unlock':
      conf.locked = sub === 'lock';
      conf.fire(sub);
      return `+OK ${conf.name} ${sub}ed\n`;
    case 'get':
      return get(conf, a2) ?? usage;
    default:
      return `-ERR Conference command '${sub}' not found.\n`;
  }
}

function record(conf: Conference, path: string | undefined, usage: string): string {
  if (!path) return usage;
  if (conf.recordings.some((r) => r.path === path))
    return `-ERR file [${path}] is already being used for recording.\n`;
  conf.startRecording(path);
  return `+OK Record file ${path}\n`;
}

function norecord(conf: Conference, path: string | undefined, usage: string): string {
  if (!path) return usage;
  const all = path.toLowerCase() === 'all';
  const victims = conf.recordings.filter((r) => all || r.path === path);
  let out = victims.map((r) => `Stopped recording file ${r.path}\n`).join('');
  for (const r of victims) conf.stopRecording(r);
  if (!victims.length && !all) out += `-ERR non-existant recording '${path}'\n`;
  return `${out}+OK Stopped recording ${victims.length} file${victims.length === 1 ? '' : 's'}\n`;
}

function pauseRec(
  conf: Conference,
  action: string,
  path: string | undefined,
  usage: string,
): string {
  if (!path) return usage;
  let out = `+OK ${action === 'pause' ? 'Pause' : 'Resume'} recording file ${path}\n`;
  const rec = conf.recordings.find((r) => r.path === path);
  if (rec) conf.pauseRecording(rec, action === 'pause');
  else out += `-ERR non-existant recording '${path}'\n`;
  return out;
}

function chkrecord(conf: Conference): string {
  return conf.recordings.length
    ? conf.recordings.map((r) => `+OK Record file ${r.path}\n`).join('')
    : '-ERR Conference is not being recorded.\n';
}

function get(conf: Conference, param: string | undefined): string | undefined {
  const values: Record<string, string> = {
    run_time: String(Math.floor((Date.now() - conf.createdAt) / 1000)),
    count: String(conf.count),
    count_ghosts: String(conf.ghosts),
    max_members: '0',
    rate: '8000',
    profile_name: conf.profile,
    uuid: conf.uuid,
    is_locked: conf.locked ? 'locked' : '',
    endconference_grace_time: '0',
  };
  return param === undefined ? undefined : values[param];
}

/** conference_list: id;channel name;uuid;caller id name;caller id number;flags;volume_in;volume_out;energy */
function list(conf: Conference, d: string): string {
  return conf.members
    .map((m) => {
      const flags = [
        m.hear && 'hear',
        m.speak && 'speak',
        m.moderator && 'moderator',
        m.ghost && 'ghost',
      ]
        .filter(Boolean)
        .join('|');
      const p = m.ch.profile;
      return (
        [m.id, m.ch.name, m.ch.uuid, p.callerIdName, p.callerIdNumber, flags, 0, 0, 100].join(d) +
        '\n'
      );
    })
    .join('');
}

/** conference_jlist: the conference object and its members (newest first, recordings included). */
function jsonList(confs: Conference[], compact: boolean): string {
  const now = Date.now();
  const items: CJValue[] = confs.map((c) => {
    const nodes = [
      ...c.members.map((m) => ({ at: m.joinedAt, id: m.id, value: memberJson(m, now) })),
      ...c.recordings.map((r) => ({ at: r.startedAt, id: r.id, value: recordingJson(r) })),
    ].sort((x, y) => y.id - x.id);
    return cjObject([
      ['conference_name', c.name],
      ['member_count', c.count],
      ['ghost_count', c.ghosts],
      ['rate', 8000],
      ['run_time', Math.floor((now - c.createdAt) / 1000)],
      ['conference_uuid', c.uuid],
      ['canvas_count', 0],
      ['max_bw_in', 0],
      ['force_bw_in', 0],
      ['video_floor_packets', 0],
      ['locked', c.locked],
      ['destruct', false],
      ['wait_mod', false],
      ['audio_always', false],
      ['running', true],
      ['answered', true],
      ['enforce_min', false],
      ['bridge_to', false],
      ['dynamic', true],
      ['exit_sound', false],
      ['enter_sound', false],
      ['recording', c.recordings.length > 0],
      ['video_bridge', false],
      ['video_floor_only', false],
      ['video_rfc4579', false],
      ['variables', cjObject([])],
      ['members', nodes.map((n) => n.value)],
    ]);
  });
  return cjPrint(items, !compact);
}

function memberJson(m: Member, now: number): CJValue {
  return cjObject([
    ['type', 'caller'],
    ['id', m.id],
    [
      'flags',
      cjObject([
        ['can_hear', m.hear],
        ['can_see', true],
        ['can_speak', m.speak],
        ['hold', false],
        ['mute_detect', false],
        ['talking', false],
        ['has_video', false],
        ['video_bridge', false],
        ['has_floor', false],
        ['is_moderator', m.moderator],
        ['end_conference', m.endconf],
      ]),
    ],
    ['uuid', m.ch.uuid],
    ['caller_id_name', m.ch.profile.callerIdName],
    ['caller_id_number', m.ch.profile.callerIdNumber],
    ['join_time', Math.floor((now - m.joinedAt) / 1000)],
    ['last_talking', 0],
    ['energy', 100],
    ['volume_in', 0],
    ['volume_out', 0],
    ['output-volume', 0],
    ['input-volume', 0],
  ]);
}

function recordingJson(r: {
  path: string;
  startedAt: number;
  pausedAt: number | undefined;
}): CJValue {
  const entries: [string, CJValue][] = [
    ['type', 'recording_node'],
    ['record_path', r.path],
  ];
  if (r.pausedAt !== undefined) entries.push(['status', 'paused']);
  entries.push(['join_time', Math.floor(r.startedAt / 1000)]);
  return cjObject(entries);
}
