import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, harness, sleep, trail } from './harness.js';
import { readWavInfo } from './index.js';
import type { Ev } from './raw-client.js';

/** The channel, originate and conference model, driven over a raw socket as an adapter would. */
const h = harness();

describe('channels', () => {
  it('runs sendmsg answer + playback of a WAV in the captured order, Application-UUID = event-uuid', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain ALL');
    const call = peer.placeCall({ calledNumber: '4001234567', callerNumber: 'sipp' });
    await c.event('CHANNEL_PARK');
    expect(
      (await execute(c, call.id, 'answer', undefined, { 'event-uuid': 'app-1' })).headers[
        'Reply-Text'
      ],
    ).toBe('+OK');
    await execute(c, call.id, 'playback', h.wav, { 'Event-UUID': 'app-2', 'event-lock': 'true' });
    await execute(c, call.id, 'playback', join(h.dir, 'missing.wav'), { 'event-uuid': 'app-3' });
    const done = await c.event(
      'CHANNEL_EXECUTE_COMPLETE',
      (e) => e['Application-UUID'] === 'app-2',
    );
    expect(done).toMatchObject({
      Application: 'playback',
      'Application-Data': h.wav,
      'Application-Response': 'FILE PLAYED',
    });
    const missing = await c.event(
      'CHANNEL_EXECUTE_COMPLETE',
      (e) => e['Application-UUID'] === 'app-3',
    );
    expect(missing['Application-Response']).toBe('FILE NOT FOUND');
    const order = c
      .events()
      .filter((e) => e['Unique-ID'] === call.id)
      .map((e) => `${e['Event-Name']}${e['Application-UUID'] ? `:${e['Application-UUID']}` : ''}`);
    expect(order.slice(0, 4)).toEqual([
      'CHANNEL_CREATE',
      expect.stringMatching(/^CHANNEL_EXECUTE:/) as unknown as string,
      'CHANNEL_PARK',
      'CHANNEL_EXECUTE:app-1',
    ]);
    expect(order.slice(4)).toEqual([
      'CHANNEL_ANSWER',
      'CHANNEL_EXECUTE_COMPLETE:app-1',
      'CHANNEL_EXECUTE:app-2',
      'PLAYBACK_START',
      'PLAYBACK_STOP',
      'CHANNEL_EXECUTE_COMPLETE:app-2',
      'CHANNEL_EXECUTE:app-3',
      'CHANNEL_EXECUTE_COMPLETE:app-3',
    ]);
    const stop = c.events().find((e) => e['Event-Name'] === 'PLAYBACK_STOP') as Ev;
    expect(stop).toMatchObject({
      'Playback-File-Path': h.wav,
      'Playback-Status': 'done',
      'Channel-Call-State': 'ACTIVE',
      'Answer-State': 'answered',
    });
    expect(c.events()[0]).toMatchObject({
      'Caller-Context': 'public',
      'Caller-Destination-Number': '4001234567',
      'Caller-Caller-ID-Number': 'sipp',
      'Call-Direction': 'inbound',
    });
    expect(call.events).toContainEqual(
      expect.objectContaining({ type: 'playback', file: h.wav, completed: true, status: 'done' }),
    );
    // As captured: current_application names the last application started, though park runs again.
    expect(await c.api(`uuid_getvar ${call.id} current_application`)).toBe('playback');
  });

  it('delivers RTP DTMF; a terminator ends a playback (break) and a record', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain DTMF PLAYBACK_STOP RECORD_STOP CHANNEL_EXECUTE_COMPLETE');
    const call = peer.placeCall({ calledNumber: '4001234567' });
    await execute(c, call.id, 'set', 'playback_terminators=#');
    await execute(c, call.id, 'playback', 'local_stream://moh', { 'event-uuid': 'moh' });
    await sleep(20);
    await call.press('1#');
    const stop = await c.event('PLAYBACK_STOP');
    expect(stop['Playback-Status']).toBe('break');
    expect(
      c
        .events()
        .filter((e) => e['Event-Name'] === 'DTMF')
        .map((e) => [e['DTMF-Digit'], e['DTMF-Duration'], e['DTMF-Source']]),
    ).toEqual([
      ['1', '2240', 'RTP'],
      ['#', '2240', 'RTP'],
    ]);
    expect(await c.api(`uuid_getvar ${call.id} playback_terminator_used`)).toBe('#');
    const rec = join(h.dir, 'voicemail.wav');
    await execute(c, call.id, 'record', `${rec} 20`, { 'event-uuid': 'rec' });
    await sleep(250);
    await call.press('#');
    expect(await c.event('RECORD_STOP')).toMatchObject({ 'Record-File-Path': rec });
    await c.event('CHANNEL_EXECUTE_COMPLETE', (e) => e['Application-UUID'] === 'rec');
    const info = readWavInfo(rec);
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(info?.durationMs).toBeGreaterThan(200);
    expect(info?.durationMs).toBeLessThan(1000);
  });

  it('uuid_break stops the running playback with Playback-Status break', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain PLAYBACK_START PLAYBACK_STOP');
    const call = peer.placeCall({ calledNumber: '4001234567' });
    await execute(c, call.id, 'playback', 'silence_stream://-1');
    await c.event('PLAYBACK_START');
    expect(await c.api(`uuid_break ${call.id} all`)).toBe('-ERR no reply\n');
    expect(await c.event('PLAYBACK_STOP')).toMatchObject({
      'Playback-Status': 'break',
      'Playback-File-Path': 'silence_stream://-1',
    });
  });

  it('uuid_kill ends the channel: EXECUTE_COMPLETE park, RECORD_STOP, HANGUP_COMPLETE with the cause', async () => {
    const peer = await h.startPeer();
    const c = await h.client(
      peer,
      'plain CHANNEL_EXECUTE_COMPLETE RECORD_STOP CHANNEL_HANGUP_COMPLETE',
    );
    const call = peer.placeCall({ calledNumber: '4001234567' });
    const path = join(h.dir, 'call.wav');
    expect(await c.api(`uuid_setvar ${call.id} RECORD_READ_ONLY true`)).toBe('+OK\n');
    expect(await c.api(`uuid_record ${call.id} start ${path}`)).toBe('+OK Success\n');
    await sleep(120);
    expect(await c.api(`uuid_kill ${call.id} USER_BUSY`)).toBe('+OK\n');
    const hangup = await c.event('CHANNEL_HANGUP_COMPLETE');
    expect(hangup).toMatchObject({
      'Hangup-Cause': 'USER_BUSY',
      variable_hangup_cause: 'USER_BUSY',
      variable_hangup_cause_q850: '17',
      'Channel-Call-State': 'HANGUP',
      'Channel-State': 'CS_REPORTING',
    });
    expect(trail(c, call.id)).toEqual([
      'CHANNEL_EXECUTE_COMPLETE:park',
      'RECORD_STOP',
      'CHANNEL_HANGUP_COMPLETE',
    ]);
    expect(c.events()[1]).toMatchObject({
      'Record-File-Path': path,
      'Record-Completion-Cause': 'success-silence',
    });
    expect(await call.ended).toEqual({ cause: 'USER_BUSY' });
    expect(readWavInfo(path)?.durationMs).toBeGreaterThanOrEqual(100);
    expect(call.events).toContainEqual(
      expect.objectContaining({ type: 'record', kind: 'session', readOnly: true }),
    );
    expect(await c.api(`uuid_exists ${call.id}`)).toBe('false');
  });

  it(
    'hangs the channel up on an unknown application ' +
      '(DESTINATION_OUT_OF_ORDER), and when the caller hangs up',
    async () => {
      const peer = await h.startPeer();
      const c = await h.client(peer, 'plain CHANNEL_HANGUP_COMPLETE');
      const a = peer.placeCall({ calledNumber: '1' });
      await execute(c, a.id, 'no_such_app', 'x');
      expect(
        await c.event('CHANNEL_HANGUP_COMPLETE', (e) => e['Unique-ID'] === a.id),
      ).toMatchObject({
        'Hangup-Cause': 'DESTINATION_OUT_OF_ORDER',
      });
      const b = peer.placeCall({ calledNumber: '2' });
      await b.hangup('ORIGINATOR_CANCEL');
      expect(
        await c.event('CHANNEL_HANGUP_COMPLETE', (e) => e['Unique-ID'] === b.id),
      ).toMatchObject({
        'Hangup-Cause': 'ORIGINATOR_CANCEL',
        variable_sip_hangup_disposition: 'recv_cancel',
      });
    },
  );
});

describe('originate', () => {
  it('an answered leg: CHANNEL_ANSWER, then BACKGROUND_JOB +OK <uuid>, then park', async () => {
    const peer = await h.startPeer();
    const c = await h.client(
      peer,
      'plain BACKGROUND_JOB CHANNEL_ANSWER CHANNEL_EXECUTE CHANNEL_PARK CHANNEL_HANGUP_COMPLETE',
    );
    const leg = peer.nextLeg();
    const uuid = 'aa6b4a88-f840-4356-9a47-f7c1eae6bf22';
    await c.command(
      `bgapi originate {origination_uuid=${uuid},origination_caller_id_number=4001234567,hotline_leg='agent, 7'}sofia/trunk/sip:agent@127.0.0.1:6001 &park()`,
      { 'Job-UUID': 'job-1' },
    );
    expect((await leg).id).toBe(uuid);
    const job = await c.event('BACKGROUND_JOB');
    expect(job).toMatchObject({ 'Job-Command': 'originate', _body: `+OK ${uuid}\n` });
    await c.event('CHANNEL_PARK', (e) => e['Unique-ID'] === uuid);
    expect(
      c
        .events()
        .map((e) =>
          e['Event-Name'] === 'CHANNEL_EXECUTE' ? `EXECUTE:${e['Application']}` : e['Event-Name'],
        ),
    ).toEqual(['CHANNEL_ANSWER', 'BACKGROUND_JOB', 'EXECUTE:park', 'CHANNEL_PARK']);
    const answer = c.events()[0] as Ev;
    expect(answer).toMatchObject({
      'Call-Direction': 'outbound',
      'Channel-Name': 'sofia/trunk/agent@127.0.0.1:6001',
      'Caller-Caller-ID-Number': '4001234567',
      variable_hotline_leg: 'agent, 7',
      'Channel-State': 'CS_CONSUME_MEDIA',
    });
    await peer.legs[0]?.hangup();
    expect(await c.event('CHANNEL_HANGUP_COMPLETE')).toMatchObject({
      'Unique-ID': uuid,
      'Hangup-Cause': 'NORMAL_CLEARING',
    });
  });

  it(
    'a failed leg: HANGUP_COMPLETE with the cause, then ' +
      'BACKGROUND_JOB -ERR <CAUSE>; error/ fails at once',
    async () => {
      const peer = await h.startPeer({
        endpoint: (dial) =>
          dial.includes('busy')
            ? { failAfterMs: 20, cause: 'USER_BUSY' }
            : dial.startsWith('error/')
              ? { failAfterMs: 0, cause: dial.slice(6) }
              : { ring: true },
      });
      const c = await h.client(peer, 'plain BACKGROUND_JOB CHANNEL_HANGUP_COMPLETE');
      c.send(
        'bgapi originate {origination_uuid=busy-1}sofia/trunk/sip:busy@127.0.0.1 &park()\nJob-UUID: j1\n\n',
      );
      const job = await c.event('BACKGROUND_JOB', (e) => e['Job-UUID'] === 'j1');
      expect(job['_body']).toBe('-ERR USER_BUSY\n');
      expect(c.events().map((e) => e['Event-Name'])).toEqual([
        'CHANNEL_HANGUP_COMPLETE',
        'BACKGROUND_JOB',
      ]);
      expect(await c.api('originate error/no_answer &park()')).toBe('-ERR NO_ANSWER\n');
      c.send(
        'bgapi originate {originate_timeout=1}sofia/trunk/sip:slow@127.0.0.1 &park()\nJob-UUID: j2\n\n',
      );
      const ringing = await peer.nextLeg();
      expect(ringing.state).toBe('ringing');
      expect((await c.event('BACKGROUND_JOB', (e) => e['Job-UUID'] === 'j2', 3000))['_body']).toBe(
        '-ERR NO_ANSWER\n',
      );
    },
  );
});

describe('conferences', () => {
  it('add-member, play-file-member(-done), json_list, kick (del-member) and transfer back to park', async () => {
    const peer = await h.startPeer();
    const c = await h.client(
      peer,
      'plain CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_PARK CUSTOM conference::maintenance',
    );
    const other = await h.client(peer, 'plain CHANNEL_PARK');
    const a = peer.placeCall({ calledNumber: '4001234567', callerNumber: '1001' });
    const b = peer.placeCall({ calledNumber: '4001234567', callerNumber: '1002' });
    await execute(c, a.id, 'conference', 'hotline-m-1@default', { 'event-uuid': 'conf-a' });
    await execute(c, b.id, 'conference', 'hotline-m-1@default+flags{mute}', {
      'event-uuid': 'conf-b',
    });
    const addB = await c.event(
      'CUSTOM',
      (e) => e['Action'] === 'add-member' && e['Unique-ID'] === b.id,
    );
    expect(addB).toMatchObject({
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': 'hotline-m-1',
      'Conference-Size': '2',
      'Conference-Profile-Name': 'default',
      Speak: 'false',
      'Member-Type': 'member',
    });
    const idA = Number(
      c.events().find((e) => e['Action'] === 'add-member' && e['Unique-ID'] === a.id)?.[
        'Member-ID'
      ],
    );
    expect(Number(addB['Member-ID'])).toBe(idA + 1);
    expect(await c.api(`conference hotline-m-1 play ${h.wav} ${idA}`)).toBe(
      `+OK (play) Playing file ${h.wav} to member ${idA}\n`,
    );
    const done = await c.event('CUSTOM', (e) => e['Action'] === 'play-file-member-done');
    expect(done).toMatchObject({ File: h.wav, 'Member-ID': String(idA), 'Unique-ID': a.id });
    expect(
      c
        .events()
        .map((e) => e['Action'])
        .filter(Boolean),
    ).toEqual([
      'conference-create',
      'add-member',
      'add-member',
      'play-file-member',
      'play-file-member-done',
    ]);
    const list = JSON.parse(await c.api('conference hotline-m-1 json_list')) as {
      conference_name: string;
      member_count: number;
      members: { id: number; uuid: string; flags: { can_speak: boolean } }[];
    }[];
    expect(list).toMatchObject([
      {
        conference_name: 'hotline-m-1',
        member_count: 2,
        members: [
          { uuid: b.id, flags: { can_speak: false } },
          { uuid: a.id, flags: { can_speak: true } },
        ],
      },
    ]);
    expect(await c.api('conference nowhere play x')).toBe('-ERR Conference nowhere not found\n');
    expect(await c.api(`conference hotline-m-1 kick ${idA}`)).toBe(`+OK kicked ${idA}\n`);
    await c.event('CHANNEL_EXECUTE_COMPLETE', (e) => e['Application-UUID'] === 'conf-a');
    expect(
      c
        .events()
        .filter((e) => e['Unique-ID'] === a.id)
        .map((e) => e['Action'] ?? e['Event-Name'])
        .slice(-3),
    ).toEqual(['kick-member', 'del-member', 'CHANNEL_EXECUTE_COMPLETE']);
    expect(await c.api(`uuid_transfer ${b.id} park inline`)).toBe('+OK\n');
    await c.event('CHANNEL_PARK', (e) => e['Unique-ID'] === b.id);
    // The conference ran inside park (sendmsg): both return, then the inline extension parks again.
    expect(
      c
        .events()
        .filter((e) => e['Unique-ID'] === b.id)
        .slice(-5)
        .map((e) => e['Action'] ?? `${e['Event-Name']}:${e['Application'] ?? ''}`),
    ).toEqual([
      'del-member',
      'CHANNEL_EXECUTE_COMPLETE:conference',
      'CHANNEL_EXECUTE_COMPLETE:park',
      'CHANNEL_EXECUTE:park',
      'CHANNEL_PARK:',
    ]);
    await c.event('CUSTOM', (e) => e['Action'] === 'conference-destroy');
    expect(other.events().every((e) => e['Event-Name'] === 'CHANNEL_PARK')).toBe(true);
    expect(await c.api('conference list')).toBe('+OK No active conferences.\n');
  });

  it('records a conference: start/stop-recording and a WAV as long as the recording', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain CUSTOM conference::maintenance');
    const a = peer.placeCall({ calledNumber: '1' });
    await execute(c, a.id, 'conference', 'rec-1');
    await c.event('CUSTOM', (e) => e['Action'] === 'add-member');
    const path = join(h.dir, 'conf.wav');
    expect(await c.api(`conference rec-1 record ${path}`)).toBe(`+OK Record file ${path}\n`);
    await sleep(150);
    expect(await c.api(`conference rec-1 norecord ${path}`)).toBe(
      `Stopped recording file ${path}\n+OK Stopped recording 1 file\n`,
    );
    const stop = await c.event('CUSTOM', (e) => e['Action'] === 'stop-recording');
    expect(stop).toMatchObject({ Path: path, 'Other-Recordings': 'false', Samplerate: '8000' });
    expect(readWavInfo(path)?.durationMs).toBeGreaterThanOrEqual(140);
  });
});
describe('application nesting, hangups and silence', () => {
  /** `Event-Name:Application-UUID` for the execute and playback events, in arrival order. */
  const steps = (evs: Ev[]): string[] =>
    evs.map((e) => `${e['Event-Name']}:${e['Application-UUID'] ?? e['Playback-File-Path'] ?? ''}`);

  it('runs a queued sendmsg application nested inside a playback unless that playback holds event-lock', async () => {
    const peer = await h.startPeer();
    const c = await h.client(
      peer,
      'plain CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE PLAYBACK_START PLAYBACK_STOP',
    );
    const call = peer.placeCall({ calledNumber: '4001234567' });
    await c.event('CHANNEL_EXECUTE');
    await execute(c, call.id, 'playback', 'silence_stream://300', { 'event-uuid': 'p1' });
    await c.event('PLAYBACK_START');
    await execute(c, call.id, 'playback', 'silence_stream://50', { 'event-uuid': 'p2' });
    await c.event('CHANNEL_EXECUTE_COMPLETE', (e) => e['Application-UUID'] === 'p1');
    expect(steps(c.events().slice(1))).toEqual([
      'CHANNEL_EXECUTE:p1',
      'PLAYBACK_START:silence_stream://300',
      'CHANNEL_EXECUTE:p2',
      'PLAYBACK_START:silence_stream://50',
      'PLAYBACK_STOP:silence_stream://50',
      'CHANNEL_EXECUTE_COMPLETE:p2',
      'PLAYBACK_STOP:silence_stream://300',
      'CHANNEL_EXECUTE_COMPLETE:p1',
    ]);
    const before = c.events().length;
    await execute(c, call.id, 'playback', 'silence_stream://150', {
      'event-uuid': 'p3',
      'event-lock': 'true',
    });
    await c.event('PLAYBACK_START', (e) => e['Playback-File-Path'] === 'silence_stream://150');
    await execute(c, call.id, 'playback', 'silence_stream://50', { 'event-uuid': 'p4' });
    await c.event('CHANNEL_EXECUTE_COMPLETE', (e) => e['Application-UUID'] === 'p4');
    expect(steps(c.events().slice(before))).toEqual([
      'CHANNEL_EXECUTE:p3',
      'PLAYBACK_START:silence_stream://150',
      'PLAYBACK_STOP:silence_stream://150',
      'CHANNEL_EXECUTE_COMPLETE:p3',
      'CHANNEL_EXECUTE:p4',
      'PLAYBACK_START:silence_stream://50',
      'PLAYBACK_STOP:silence_stream://50',
      'CHANNEL_EXECUTE_COMPLETE:p4',
    ]);
  });

  it('ends a playback when the caller hangs up: PLAYBACK_STOP, PLAYBACK ERROR, then HANGUP_COMPLETE', async () => {
    const peer = await h.startPeer();
    const c = await h.client(
      peer,
      'plain PLAYBACK_START PLAYBACK_STOP CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP_COMPLETE',
    );
    const call = peer.placeCall({ calledNumber: '4001234567' });
    await execute(c, call.id, 'answer');
    await execute(c, call.id, 'playback', 'local_stream://moh', { 'event-uuid': 'moh' });
    await c.event('PLAYBACK_START');
    await call.hangup();
    const hangup = await c.event('CHANNEL_HANGUP_COMPLETE');
    expect(hangup).toMatchObject({
      'Hangup-Cause': 'NORMAL_CLEARING',
      variable_sip_hangup_disposition: 'recv_bye',
    });
    expect(c.events().find((e) => e['Application-UUID'] === 'moh')?.['Application-Response']).toBe(
      'PLAYBACK ERROR',
    );
    expect(trail(c, call.id).slice(-4)).toEqual([
      'PLAYBACK_STOP',
      'CHANNEL_EXECUTE_COMPLETE:playback',
      'CHANNEL_EXECUTE_COMPLETE:park',
      'CHANNEL_HANGUP_COMPLETE',
    ]);
    expect(call.events).toContainEqual(
      expect.objectContaining({
        type: 'playback',
        file: 'local_stream://moh',
        completed: false,
        status: 'error',
      }),
    );
    expect(call.events.at(-1)).toEqual({ type: 'hangup', cause: 'NORMAL_CLEARING', by: 'remote' });
  });

  it('stops a record after silence_hits seconds without speech', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain RECORD_START RECORD_STOP CHANNEL_EXECUTE_COMPLETE');
    const call = peer.placeCall({ calledNumber: '4001234567' });
    const path = join(h.dir, 'vm-silence.wav');
    call.speak(300);
    await execute(c, call.id, 'record', `${path} 20 200 1`, { 'event-uuid': 'rec' });
    expect(await c.event('RECORD_START')).toMatchObject({ 'Record-File-Path': path });
    const stop = await c.event('RECORD_STOP', () => true, 4000);
    expect(stop['Record-File-Path']).toBe(path);
    await c.event('CHANNEL_EXECUTE_COMPLETE', (e) => e['Application-UUID'] === 'rec');
    expect(await c.api(`uuid_getvar ${call.id} silence_hits_exhausted`)).toBe('true');
    const ms = readWavInfo(path)?.durationMs ?? 0;
    expect(ms).toBeGreaterThanOrEqual(1200);
    expect(ms).toBeLessThan(2000);
  });
});

describe('conference ends', () => {
  it('plays to the whole conference; an endconf member leaving hangs the others up and destroys it', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain CHANNEL_HANGUP_COMPLETE CUSTOM conference::maintenance');
    const agent = peer.placeCall({ calledNumber: '1', callerNumber: '2001' });
    const caller = peer.placeCall({ calledNumber: '2', callerNumber: '1001' });
    await execute(c, agent.id, 'conference', 'hotline-e-1@default+flags{endconf|moderator}');
    await execute(c, caller.id, 'conference', 'hotline-e-1@default');
    await c.event('CUSTOM', (e) => e['Action'] === 'add-member' && e['Unique-ID'] === caller.id);
    expect(
      c.events().find((e) => e['Unique-ID'] === agent.id && e['Action'] === 'add-member')?.[
        'Member-Type'
      ],
    ).toBe('moderator');
    expect(await c.api(`conference hotline-e-1 play ${h.wav}`)).toBe(
      `+OK (play) Playing file ${h.wav}\n`,
    );
    expect(await c.event('CUSTOM', (e) => e['Action'] === 'play-file-done')).toMatchObject({
      File: h.wav,
      'Conference-Name': 'hotline-e-1',
    });
    expect(peer.conference('hotline-e-1')?.members.map((m) => m.uuid)).toEqual([
      caller.id,
      agent.id,
    ]);
    await agent.hangup();
    expect(
      await c.event('CHANNEL_HANGUP_COMPLETE', (e) => e['Unique-ID'] === caller.id),
    ).toMatchObject({ 'Hangup-Cause': 'NORMAL_CLEARING' });
    await c.event('CUSTOM', (e) => e['Action'] === 'conference-destroy');
    expect(await caller.ended).toEqual({ cause: 'NORMAL_CLEARING' });
    expect(peer.conference('hotline-e-1')).toBeUndefined();
    expect(await c.api('conference hotline-e-1 list')).toBe(
      '-ERR Conference hotline-e-1 not found\n',
    );
  });
});

describe('uuid_bridge', () => {
  it(
    'bridges a parked caller to an originated leg as captured: ' +
      'BRIDGE, show channels uuid_bridge, UNBRIDGE, both hung up',
    async () => {
      const peer = await h.startPeer();
      const c = await h.client(
        peer,
        'plain BACKGROUND_JOB CHANNEL_PARK CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE',
      );
      const a = 'aa6b4a88-f840-4356-9a47-f7c1eae6bf22';
      await c.command(
        `bgapi originate {origination_uuid=${a}}sofia/trunk/sip:agent@127.0.0.1:6001 &park()`,
      );
      await c.event('CHANNEL_PARK', (e) => e['Unique-ID'] === a);
      const b = peer.placeCall({ calledNumber: '4001234567', callerNumber: 'sipp' }).id;
      expect(await c.api(`uuid_answer ${b}`)).toBe('+OK\n');
      expect(await c.api(`uuid_bridge ${b} ${a}`)).toBe(`+OK ${a}\n`);
      expect(await c.api(`uuid_bridge ${b} nope`)).toBe('-ERR Invalid uuid\n');
      const bridged = await c.event('CHANNEL_BRIDGE');
      expect(bridged).toMatchObject({
        'Bridge-A-Unique-ID': b,
        'Bridge-B-Unique-ID': a,
        'Unique-ID': b,
        'Other-Type': 'originatee',
        'Other-Leg-Unique-ID': a,
        'Channel-State': 'CS_SOFT_EXECUTE',
      });
      const rows = (
        JSON.parse(await c.api('show channels as json')) as {
          rows: { uuid: string; application: string; application_data: string }[];
        }
      ).rows;
      expect(rows.map((r) => [r.uuid, r.application, r.application_data])).toEqual([
        [a, 'uuid_bridge', b],
        [b, 'uuid_bridge', a],
      ]);
      expect(await c.api(`uuid_kill ${b}`)).toBe('+OK\n');
      await c.event('CHANNEL_HANGUP_COMPLETE', (e) => e['Unique-ID'] === a);
      const tail = c.events().slice(-3);
      expect(tail[0]).toMatchObject({
        'Event-Name': 'CHANNEL_UNBRIDGE',
        'Unique-ID': b,
        'Answer-State': 'hangup',
        'Hangup-Cause': 'NORMAL_CLEARING',
      });
      expect(tail.slice(1).map((e) => [e['Unique-ID'], e['Hangup-Cause']])).toEqual([
        [b, 'NORMAL_CLEARING'],
        [a, 'NORMAL_CLEARING'],
      ]);
    },
  );
});
