import { afterEach, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../../lib/errors.js';
import { ReplayServer } from '../../../test/freeswitch/replay-server.js';
import { EslConnection } from './connection.js';
import type { EslMessage } from './reader.js';

const T = { timeoutMs: 3000 };
const B_EVENTS = (
  'CHANNEL_PARK CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE DTMF CHANNEL_EXECUTE ' +
  'CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP'
).split(' ');

/** The ESL connection driven against sessions captured from a real FreeSWITCH 1.10.12, played back byte for byte. */
describe('ESL connection against captured FreeSWITCH sessions', () => {
  let replay: ReplayServer | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  async function serve(capture: string): Promise<ReplayServer> {
    replay = new ReplayServer(capture);
    await replay.start();
    return replay;
  }

  function eventsOf(conn: EslConnection): {
    list: EslMessage[];
    next(name: string): Promise<EslMessage>;
  } {
    const list: EslMessage[] = [];
    const waiters: { name: string; resolve: (m: EslMessage) => void }[] = [];
    conn.onEvent((m) => {
      list.push(m);
      const at = waiters.findIndex((w) => w.name === m.headers['Event-Name']);
      if (at >= 0) waiters.splice(at, 1)[0]!.resolve(m);
    });
    return {
      list,
      next: (name) => {
        const seen = list.find((m) => m.headers['Event-Name'] === name);
        if (seen) {
          list.splice(list.indexOf(seen), 1);
          return Promise.resolve(seen);
        }
        return new Promise((resolve) => waiters.push({ name, resolve }));
      },
    };
  }

  it('authenticates, runs api commands in order, and reads -ERR answers as text', async () => {
    const r = await serve('esl-a-auth-api');
    const conn = await EslConnection.open({
      host: '127.0.0.1',
      port: r.port,
      password: 'ClueCon',
      events: [],
      ...T,
    });
    const [status, channels, unknown] = await Promise.all([
      conn.api('status', T),
      conn.api('show channels as json', T),
      conn.api('nosuchcommand', T),
    ]);
    expect(status).toMatch(/^UP 0 years/);
    expect(JSON.parse(channels)).toEqual({ row_count: 0 });
    expect(unknown).toBe('-ERR nosuchcommand Command not found!\n');
    expect(r.mismatches).toEqual([]);
    await conn.close(200);
    expect(await conn.closed).toMatch(/closed by us/);
  });

  it('a wrong password is a typed error, and the socket is let go', async () => {
    const r = await serve('esl-a-wrong-password');
    const err = await EslConnection.open({
      host: '127.0.0.1',
      port: r.port,
      password: 'WrongPassword',
      events: [],
      ...T,
    }).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_AUTH_FAILED')).toBe(true);
    expect(String(err)).toMatch(/-ERR invalid/);
  });

  it('exit: +OK bye, the goodbye notice, then the close', async () => {
    const r = await serve('esl-e-exit');
    const conn = await EslConnection.open({
      host: '127.0.0.1',
      port: r.port,
      password: 'ClueCon',
      events: [],
      ...T,
    });
    await conn.close(1000);
    expect(await conn.closed).toMatch(/closed by us/);
    expect(r.received.at(-1)).toBe('exit\n\n');
  });

  it('a FreeSWITCH that shuts down closes the connection with its notice; later commands fail typed', async () => {
    const r = await serve('esl-e-shutdown-issuer');
    const conn = await EslConnection.open({
      host: '127.0.0.1',
      port: r.port,
      password: 'ClueCon',
      events: [],
      ...T,
    });
    expect(await conn.api('fsctl shutdown', T)).toBe('+OK\n');
    expect(await conn.closed).toMatch(/The system is being shut down/);
    const err = await conn.api('status', T).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_CONNECTED')).toBe(true);
  });

  it(
    'a parked call: sendmsg execute completes by ' +
      'Application-UUID, bgapi by Job-UUID, DTMF and hang-up arrive',
    async () => {
      const r = await serve('esl-b-events-plain');
      const conn = await EslConnection.open({
        host: '127.0.0.1',
        port: r.port,
        password: 'ClueCon',
        events: B_EVENTS,
        ...T,
      });
      const ev = eventsOf(conn);
      const park = await ev.next('CHANNEL_PARK');
      const uuid = park.headers['Unique-ID']!;
      expect(park.headers['Caller-Destination-Number']).toBe('4001234567');
      expect(JSON.parse(await conn.api('show channels as json', T))).toEqual({ row_count: 0 });
      const answer = conn.execute(uuid, 'answer', '', T);
      await answer.accepted;
      const answered = await answer.completed;
      expect(answered.headers.Application).toBe('answer');
      const play = conn.execute(uuid, 'playback', 'tone_stream://%(1000,0,440);loops=2', {
        ...T,
        eventLock: true,
      });
      await play.accepted;
      const job = conn.bgapi(`uuid_record ${uuid} start /tmp/x.wav`, T);
      await job.accepted;
      expect(await job.result).toBe('+OK Success\n');
      const played = await play.completed;
      expect(played.headers['Application-Response']).toBe('FILE PLAYED');
      expect((await ev.next('DTMF')).headers['DTMF-Digit']).toBe('1');
      expect((await ev.next('DTMF')).headers['DTMF-Digit']).toBe('#');
      expect(JSON.parse(await conn.api('show channels as json', T))).toMatchObject({
        row_count: 1,
      });
      expect(await conn.api(`uuid_kill ${uuid}`, T)).toMatch(/^\+OK/);
      const hangup = await ev.next('CHANNEL_HANGUP_COMPLETE');
      expect(hangup.headers['Hangup-Cause']).toBe('NORMAL_CLEARING');
      expect(r.mismatches).toEqual([]);
      conn.destroy('test over');
    },
  );

  it('originate: the agent leg answers before its BACKGROUND_JOB, whose body names the leg', async () => {
    const r = await serve('esl-d-originate-bridge');
    const conn = await EslConnection.open({
      host: '127.0.0.1',
      port: r.port,
      password: 'ClueCon',
      events:
        'BACKGROUND_JOB CHANNEL_PARK CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE'.split(
          ' ',
        ),
      ...T,
    });
    const ev = eventsOf(conn);
    const legId = /origination_uuid=([0-9a-f-]{36})/.exec(r.capturedClient())?.[1] ?? '';
    const job = conn.bgapi(
      `originate {origination_uuid=${legId}}sofia/trunk/sip:agent@127.0.0.1:6001 &park()`,
      T,
    );
    const answered = await ev.next('CHANNEL_ANSWER');
    expect(answered.headers['Unique-ID']).toBe(legId);
    expect(await job.result).toBe(`+OK ${legId}\n`);
    expect(r.mismatches).toEqual([]);
    conn.destroy('test over');
  });
});
