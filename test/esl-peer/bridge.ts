import type { Channel } from './channel.js';
import { basicChannelHeaders, nowMicros } from './events.js';
import type { AppFactory } from './frame.js';
import type { Header } from './frames.js';
import type { World } from './world.js';

/**
 * `uuid_bridge <uuid> <other_uuid>` (mod_commands uuid_bridge_function, switch_ivr_bridge.c
 * switch_ivr_uuid_bridge / uuid_bridge_on_soft_execute / switch_ivr_multi_threaded_bridge), as
 * esl-d-originate-bridge.txt shows it:
 * - replies "+OK <other_uuid>\n" (or, when that fails and a third uuid is given, "+OK <third>\n"),
 *   "-ERR Invalid uuid\n" when a channel is missing, "-USAGE: <uuid> <other_uuid>\n";
 * - both channels leave what they run (park returns: CHANNEL_EXECUTE_COMPLETE park), each gets a
 *   CHANNEL_EXECUTE Application uuid_bridge / Application-Data <the other uuid> with no
 *   Application-UUID and never an EXECUTE_COMPLETE ("fire events that will change the data table
 *   from show channels"), so `show channels` lists application uuid_bridge on both;
 * - the originator (the first uuid) fires CHANNEL_BRIDGE with Bridge-A-Unique-ID (itself) and
 *   Bridge-B-Unique-ID, its channel data and the Other-Type: originatee / Other-Leg-* profile;
 * - when either leg hangs up or is transferred, the originator fires CHANNEL_UNBRIDGE (its own
 *   data, Answer-State hangup when it is the one hanging up, as captured), and the other leg is
 *   hung up NORMAL_CLEARING — or parked when it has park_after_bridge=true.
 */
interface Bridge {
  readonly a: Channel;
  readonly b: Channel;
  joined: number;
  over: boolean;
}

export function uuidBridge(world: World, args: string): string {
  const argv = args.trim().split(/\s+/).filter(Boolean);
  if (argv.length < 2) return '-USAGE: <uuid> <other_uuid>\n';
  const up = (id: string | undefined): Channel | undefined => {
    const ch = id ? world.channels.get(id) : undefined;
    return ch?.isUp ? ch : undefined;
  };
  const a = up(argv[0]);
  let b = up(argv[1]);
  if ((!b || b === a) && argv[2]) b = up(argv[2]);
  if (!a || !b || a === b) return '-ERR Invalid uuid\n';
  const bridge: Bridge = { a, b, joined: 0, over: false };
  world.timers.defer(() => {
    a.takeOver('uuid_bridge', b.uuid, leg(bridge, world), `uuid_br:${b.uuid}`);
    b.takeOver('uuid_bridge', a.uuid, leg(bridge, world), `uuid_br:${a.uuid}`);
  });
  return `+OK ${b.uuid}\n`;
}

function leg(bridge: Bridge, world: World): AppFactory {
  return (ctx) => {
    const me = ctx.ch;
    const other = me === bridge.a ? bridge.b : bridge.a;
    let running = false;
    const end = (): void => {
      if (!running) return;
      running = false;
      if (!bridge.over) {
        bridge.over = true;
        if (bridge.joined === 2) fireBridge('CHANNEL_UNBRIDGE', bridge, world);
        world.timers.defer(() => {
          if (!other.isUp) return;
          if (/^(true|yes|on|1)$/i.test(other.vars.get('park_after_bridge') ?? ''))
            other.transfer([['park', undefined]], 'park');
          else other.hangup('NORMAL_CLEARING', 'local');
        });
      }
      ctx.done();
    };
    return {
      parses: true,
      start() {
        running = true;
        if (!other.isUp || bridge.over) {
          end();
          return;
        }
        me.stateName = me === bridge.a ? 'CS_SOFT_EXECUTE' : 'CS_EXCHANGE_MEDIA';
        me.stateNumber = me === bridge.a ? 3 : 5;
        me.setVar('bridge_uuid', other.uuid);
        me.setVar('signal_bond', other.uuid);
        me.setVar('last_bridge_to', other.uuid);
        if (++bridge.joined < 2) return;
        const now = nowMicros();
        bridge.a.profile.bridgedUs = now;
        bridge.b.profile.bridgedUs = now;
        fireBridge('CHANNEL_BRIDGE', bridge, world);
      },
      pause: () => undefined,
      resume: () => undefined,
      stop: (why) => (why === 'break' ? undefined : end()),
      dtmf: () => undefined,
      speech: () => undefined,
    };
  };
}

/** The originator's event: Bridge-A/B ids, its basic data, the originatee profile, its variables. */
function fireBridge(
  name: 'CHANNEL_BRIDGE' | 'CHANNEL_UNBRIDGE',
  { a, b }: Bridge,
  world: World,
): void {
  const p = b.profile;
  const other: Header[] = [
    ['Other-Type', 'originatee'],
    ['Other-Leg-Direction', b.direction],
    ['Other-Leg-Logical-Direction', b.direction],
    ['Other-Leg-Caller-ID-Name', p.callerIdName],
    ['Other-Leg-Caller-ID-Number', p.callerIdNumber],
    ['Other-Leg-Network-Addr', p.networkAddr],
    ['Other-Leg-ANI', p.ani],
    ['Other-Leg-Destination-Number', p.destination],
    ['Other-Leg-Unique-ID', b.uuid],
    ['Other-Leg-Source', p.source],
    ['Other-Leg-Context', p.context],
    ['Other-Leg-Channel-Name', b.name],
    ['Other-Leg-Profile-Created-Time', String(p.createdUs)],
    ['Other-Leg-Channel-Created-Time', String(p.createdUs)],
    ['Other-Leg-Channel-Answered-Time', String(p.answeredUs)],
    ['Other-Leg-Channel-Bridged-Time', String(p.bridgedUs)],
  ];
  const vars: Header[] = [...a.vars].map(([k, v]) => [`variable_${k}`, v]);
  const headers: Header[] = [
    ...world.factory.base(name),
    ['Bridge-A-Unique-ID', a.uuid],
    ['Bridge-B-Unique-ID', b.uuid],
    ...basicChannelHeaders(a),
    ...other,
    ...vars,
  ];
  world.fire({ name, headers });
}
