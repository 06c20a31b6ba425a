import type { AppFactory } from './frame.js';
import { Conference, type Member, parseFlags } from './conference.js';

/**
 * The `conference <name>[@<profile>][+flags{a|b}]` application (mod_conference.c
 * conference_function): joins the conference (created on its first member), answers the
 * channel if it was not (conference_loop_output), and returns only when the member leaves —
 * kick, hup, the conference ending, a transfer or the hangup. While it runs, queued sendmsg
 * applications run nested (the member loop parses events).
 */
export function parseConferenceArg(arg: string): { name: string; profile: string; flags: string } {
  let rest = arg.trim();
  let flags = '';
  const f = /\+flags\{([^}]*)\}/.exec(rest);
  if (f) {
    flags = f[1] ?? '';
    rest = rest.replace(f[0], '');
  }
  rest = rest.split('+')[0] ?? rest; // a +<pin> suffix
  const at = rest.indexOf('@');
  return at < 0
    ? { name: rest, profile: 'default', flags }
    : { name: rest.slice(0, at), profile: rest.slice(at + 1) || 'default', flags };
}

export const conferenceApp: AppFactory = (ctx) => {
  const { name, profile, flags } = parseConferenceArg(ctx.arg ?? '');
  let conf: Conference | undefined;
  let member: Member | undefined;
  const leave = (): void => {
    if (!conf || !member) {
      ctx.done();
      return;
    }
    const c = conf;
    const m = member;
    conf = undefined;
    member = undefined;
    ctx.ch.conference = undefined;
    ctx.ch.note({ type: 'conference', action: 'leave', conference: c.name, memberId: m.id });
    c.leave(m);
    ctx.done();
  };
  return {
    parses: true,
    start() {
      const existing = ctx.world.conferences.get(name);
      if (!name || existing?.locked) {
        ctx.done();
        return;
      }
      conf = existing ?? new Conference(ctx.world, name, profile);
      member = conf.join(ctx.ch, parseFlags(flags));
      member.end = leave;
      ctx.ch.conference = { name, memberId: member.id };
      ctx.ch.note({ type: 'conference', action: 'join', conference: name, memberId: member.id });
      if (ctx.ch.answerState !== 'answered') ctx.ch.answer();
    },
    pause: () => undefined,
    resume: () => undefined,
    stop(why) {
      if (why !== 'break') leave();
    },
    dtmf: () => undefined,
    speech: () => undefined,
  };
};
