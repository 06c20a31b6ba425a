import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandParser, type Header, serializeJson, serializePlain } from './frames.js';
import { FIXTURES, GOODBYE_NOTICE, fixture, harness, sleep, trail } from './harness.js';
import { isEvent } from './raw-client.js';

/**
 * The peer seen from a raw socket: framing, authentication, subscriptions, api/bgapi, faults and
 * shutdown, compared with the FreeSWITCH 1.10.12 captures in test/fixtures/esl/.
 * Channels, originate and conferences: model.test.ts.
 */
const h = harness();

describe('connection and authentication', () => {
  it('answers auth, api status, show channels and an unknown command as the capture does', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer);
    expect(
      c.frames
        .slice(0, 2)
        .map((f) => f.text)
        .join(''),
    ).toBe(fixture('esl-a-auth-api.txt').slice(0, 82));
    const status = await c.api('status');
    expect(status).toMatch(
      /^UP 0 years, 0 days, 0 hours, 0 minutes, \d+ seconds, \d+ milliseconds, \d+ microseconds\nFreeSWITCH \(Version 1\.10\.12-release {2}64bit\) is ready\n/,
    );
    expect(await c.api('show channels as json')).toBe('{"row_count": 0}\n');
    c.send('api nosuchcommand\n\n');
    const unknown = await c.until((f) => f.headers['Content-Type'] === 'api/response');
    expect(unknown.text).toBe(
      'Content-Type: api/response\nContent-Length: 38\n\n-ERR nosuchcommand Command not found!\n',
    );
    expect(await c.api('version')).toBe('FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n');
    expect(await c.api('module_exists mod_conference')).toBe('true');
    // The client half-closes: FreeSWITCH says goodbye and closes.
    c.socket.end();
    await c.closed;
    expect(c.frames.at(-1)?.text).toBe(GOODBYE_NOTICE);
  });

  it('refuses a wrong password with -ERR invalid, the 67-byte goodbye and a FIN (byte for byte)', async () => {
    const peer = await h.startPeer();
    const c = await h.open(peer);
    c.send('auth WrongPassword\n\n');
    await c.ended;
    await c.closed;
    expect(c.received.toString('latin1')).toBe(fixture('esl-a-wrong-password.txt'));
  });

  it('says +OK bye on exit, then goodbye and FIN (byte for byte)', async () => {
    const peer = await h.startPeer();
    const c = await h.open(peer);
    c.send('auth ClueCon\n\nexit\n\n');
    await c.closed;
    expect(c.received.toString('latin1')).toBe(fixture('esl-e-exit.txt'));
  });

  it('keeps an unauthenticated connection, answering -ERR command not found', async () => {
    const peer = await h.startPeer();
    const c = await h.open(peer);
    const reply = await c.command('api status');
    expect(reply.text).toBe('Content-Type: command/reply\nReply-Text: -ERR command not found\n\n');
    expect((await c.command('auth ClueCon')).headers['Reply-Text']).toBe('+OK accepted');
    expect(peer.connections).toBe(1);
  });

  it('reads commands split across packets and several in one packet, CRLF too', async () => {
    const peer = await h.startPeer();
    const c = await h.open(peer);
    for (const piece of [
      'au',
      'th Clue',
      'Con\r',
      '\n\r\napi ver',
      'sion\n\napi module_exists mod_nope\n\nap',
      'i uuid_exists x\n',
      '\n',
    ]) {
      c.send(piece);
      await sleep(5);
    }
    const bodies = await Promise.all(
      [0, 1, 2].map(() => c.until((f) => f.headers['Content-Type'] === 'api/response')),
    );
    expect(bodies.map((f) => f.body)).toEqual([
      'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n',
      'false',
      'false',
    ]);
  });

  it('parses client commands incrementally (unit)', () => {
    const p = new CommandParser();
    expect(
      p.push(
        Buffer.from(
          'sendmsg abc\ncall-command: execute\nexecute-app-name: playback\nEvent-UUID: u1',
        ),
      ),
    ).toEqual([]);
    const [cmd] = p.push(Buffer.from('\n\nsendevent CUSTOM\ncontent-length: 5\n\nhello'));
    expect(cmd).toEqual({
      line: 'sendmsg abc',
      headers: [
        ['call-command', 'execute'],
        ['execute-app-name', 'playback'],
        ['Event-UUID', 'u1'],
      ],
    });
    expect(p.push(Buffer.alloc(0))).toEqual([]);
  });
});

describe('events', () => {
  it('sends only subscribed events; event is cumulative; nixevent and noevents take them away', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain CHANNEL_PARK');
    const first = peer.placeCall({ calledNumber: '4001234567' });
    await c.event('CHANNEL_PARK', (e) => e['Unique-ID'] === first.id);
    expect(c.events().map((e) => e['Event-Name'])).toEqual(['CHANNEL_PARK']);
    expect((await c.command('event plain CHANNEL_EXECUTE')).headers['Reply-Text']).toBe(
      '+OK event listener enabled plain',
    );
    const second = peer.placeCall({ calledNumber: '4001234567' });
    await c.event('CHANNEL_PARK', (e) => e['Unique-ID'] === second.id);
    expect(trail(c, second.id)).toEqual(['CHANNEL_EXECUTE:park', 'CHANNEL_PARK']);
    expect((await c.command('nixevent CHANNEL_PARK')).headers['Reply-Text']).toBe(
      '+OK events nixed',
    );
    const third = peer.placeCall({ calledNumber: '4001234567' });
    await c.event('CHANNEL_EXECUTE', (e) => e['Unique-ID'] === third.id);
    expect((await c.command('noevents')).headers['Reply-Text']).toBe(
      '+OK no longer listening for events',
    );
    expect((await c.command('noevents')).headers['Reply-Text']).toBe(
      '-ERR not listening for events',
    );
    expect((await c.command('event plain NOT_AN_EVENT')).headers['Reply-Text']).toBe(
      '-ERR no keywords supplied',
    );
    peer.placeCall({ calledNumber: '4001234567' });
    await sleep(30);
    expect(trail(c, third.id)).toEqual(['CHANNEL_EXECUTE:park']);
  });

  it('applies filters as mod_event_socket does (events without the header are not sent)', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain CHANNEL_PARK BACKGROUND_JOB');
    const a = peer.placeCall({ calledNumber: '1' });
    const b = peer.placeCall({ calledNumber: '2' });
    expect((await c.command(`filter Unique-ID ${b.id}`)).headers['Reply-Text']).toBe(
      `+OK filter added. [Unique-ID]=[${b.id}]`,
    );
    const c2 = peer.placeCall({ calledNumber: '3' });
    await c.command(`bgapi uuid_exists ${a.id}`);
    await sleep(30);
    expect(c.events().map((e) => e['Unique-ID'] ?? e['Event-Name'])).toEqual([a.id, b.id]);
    expect(c2.id).not.toBe(b.id);
    expect((await c.command('filter delete all')).headers['Reply-Text']).toBe(
      '+OK filter deleted. [all][]',
    );
  });

  it('URL-encodes plain values as switch_url_encode, and json events carry raw values and _body', async () => {
    const peer = await h.startPeer();
    const plain = await h.client(peer, 'plain DTMF BACKGROUND_JOB');
    const json = await h.client(peer, 'json DTMF BACKGROUND_JOB');
    const call = peer.placeCall({ calledNumber: '4001234567', callerNumber: 'sipp' });
    await call.press('#');
    await plain.event('DTMF');
    expect(plain.frames.find(isEvent)?.body).toContain(
      '\nDTMF-Digit: %23\nDTMF-Duration: 2240\nDTMF-Source: RTP\n\n',
    );
    expect(plain.frames.find(isEvent)?.body).toContain(
      'Channel-Name: sofia/trunk/sipp%40127.0.0.1%3A5071\n',
    );
    const dtmf = await json.event('DTMF');
    expect(json.frames.find(isEvent)?.headers['Content-Type']).toBe('text/event-json');
    expect(dtmf).toMatchObject({
      'DTMF-Digit': '#',
      'Channel-Name': 'sofia/trunk/sipp@127.0.0.1:5071',
    });
    json.send('bgapi uuid_exists nope\nJob-UUID: j-1\n\n');
    const job = await json.event('BACKGROUND_JOB');
    expect(job).toMatchObject({
      'Job-UUID': 'j-1',
      'Job-Command': 'uuid_exists',
      'Job-Command-Arg': 'nope',
      'Content-Length': '5',
      _body: 'false',
    });
    const raw = json.frames.filter(isEvent).at(-1)?.body ?? '';
    expect(raw.endsWith('"Content-Length":"5","_body":"false"}')).toBe(true);
  });

  it('re-encodes every captured event byte for byte (plain and json)', () => {
    let checked = 0;
    for (const name of [
      'esl-b-events-plain.txt',
      'esl-d-originate-bridge.txt',
      'esl-e-shutdown-observer.txt',
      'esl-c-events-json.txt',
    ]) {
      const data = readFileSync(join(FIXTURES, name));
      for (const f of splitFrames(data)) {
        const type = f.headers['Content-Type'];
        if (type === 'text/event-plain') {
          const end = f.body.indexOf('\n\n');
          const head = f.body.slice(0, end);
          const headers: Header[] = head
            .split('\n')
            .map((l) => [
              l.slice(0, l.indexOf(': ')),
              decodeURIComponent(l.slice(l.indexOf(': ') + 2)),
            ]);
          const inner = headers.findIndex(([n]) => n === 'Content-Length');
          const body = inner >= 0 ? f.body.slice(end + 2) : undefined;
          expect(serializePlain(inner >= 0 ? headers.slice(0, inner) : headers, body)).toBe(f.body);
          checked++;
        } else if (type === 'text/event-json') {
          const pairs = [...f.body.matchAll(/"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g)].map(
            (m): Header => [JSON.parse(`"${m[1]}"`) as string, JSON.parse(`"${m[2]}"`) as string],
          );
          const body = pairs.find(([n]) => n === '_body')?.[1];
          const headers =
            body === undefined
              ? pairs
              : pairs.filter(([n]) => n !== '_body' && n !== 'Content-Length');
          expect(serializeJson(headers, body)).toBe(f.body);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('api and bgapi', () => {
  it('correlates bgapi by the client Job-UUID (or a generated one); the job body is the api output', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer, 'plain BACKGROUND_JOB RECORD_START');
    const call = peer.placeCall({ calledNumber: '4001234567' });
    const reply = await c.command(`bgapi uuid_record ${call.id} start ${join(h.dir, 'x.wav')}`, {
      'Job-UUID': '0f32c519-aab8-46fc-b22d-d3e5eed452d1',
    });
    expect(reply.text).toBe(
      'Content-Type: command/reply\nReply-Text: +OK Job-UUID: ' +
        '0f32c519-aab8-46fc-b22d-d3e5eed452d1\nJob-UUID: 0f32c519-aab8-46fc-b22d-d3e5eed452d1\n\n',
    );
    const job = await c.event('BACKGROUND_JOB');
    expect(job).toMatchObject({
      'Job-UUID': '0f32c519-aab8-46fc-b22d-d3e5eed452d1',
      'Job-Command': 'uuid_record',
      'Job-Command-Arg': `${call.id} start ${join(h.dir, 'x.wav')}`,
      _body: '+OK Success\n',
    });
    expect(c.frames.filter(isEvent).at(-1)?.body).toMatch(
      /\nContent-Length: 12\n\n\+OK Success\n$/,
    );
    const generated = await c.command('bgapi nosuch thing');
    const id = generated.headers['Job-UUID'] ?? '';
    expect(generated.headers['Reply-Text']).toBe(`+OK Job-UUID: ${id}`);
    expect(await c.event('BACKGROUND_JOB', (e) => e['Job-UUID'] === id)).toMatchObject({
      _body: '-ERR nosuch Command not found!\n',
    });
  });

  it('answers the uuid_* commands with mod_commands texts', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer);
    const call = peer.placeCall({ calledNumber: '4001234567' });
    expect(await c.api(`uuid_setvar ${call.id} hotline_call 42`)).toBe('+OK\n');
    expect(await c.api(`uuid_getvar ${call.id} hotline_call`)).toBe('42');
    expect(call.variables['hotline_call']).toBe('42');
    expect(await c.api(`uuid_getvar ${call.id} nothing_here`)).toBe('_undef_');
    expect(await c.api(`uuid_exists ${call.id}`)).toBe('true');
    expect(await c.api(`uuid_break ${call.id}`)).toBe('-ERR no reply\n');
    expect(await c.api(`uuid_send_dtmf ${call.id} 123`)).toBe('-ERR no reply\n');
    expect(call.events).toContainEqual({ type: 'dtmf-out', digits: '123' });
    expect(await c.api('uuid_kill 00000000-0000-0000-0000-000000000000')).toBe(
      '-ERR No Such Channel!\n',
    );
    expect(await c.api('uuid_getvar nope x')).toBe('-ERR No Such Channel!\n');
    expect(await c.api('uuid_record nope start /tmp/x.wav')).toBe('-ERR Cannot locate session!\n');
    expect(await c.api(`uuid_record ${call.id} stop /tmp/never.wav`)).toBe(
      '-ERR Cannot stop record session!\n',
    );
    expect(await c.api(`uuid_answer ${call.id}`)).toBe('+OK\n');
    expect(
      await c.command('sendmsg nope', { 'call-command': 'execute', 'execute-app-name': 'answer' }),
    ).toMatchObject({ headers: { 'Reply-Text': '-ERR invalid session id [nope]' } });
  });
});

describe('faults and shutdown', () => {
  it('writes its output in small random pieces when asked (a reader must reassemble them)', async () => {
    const peer = await h.startPeer({ splitOutgoing: { maxChunk: 5, maxDelayMs: 1 } });
    const c = await h.client(peer, 'json CHANNEL_PARK');
    peer.placeCall({ calledNumber: '4001234567' });
    expect(await c.event('CHANNEL_PARK')).toMatchObject({
      'Caller-Destination-Number': '4001234567',
    });
    expect(await c.api('version')).toBe('FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n');
    expect(c.reads).toBeGreaterThan(50);
  });

  it('injects failures: an -ERR reply, a connection closed before the reply', async () => {
    const peer = await h.startPeer();
    const c = await h.client(peer);
    peer.failNext('api uuid_exists', 'err', '-ERR injected');
    expect(await c.api('uuid_exists x')).toBe('-ERR injected\n');
    expect(await c.api('uuid_exists x')).toBe('false');
    peer.failNext('api status', 'close-before-reply');
    c.send('api status\n\n');
    await c.closed;
    expect(
      c.frames.some((f) => f.headers['Content-Type'] === 'api/response' && f.body.startsWith('UP')),
    ).toBe(false);
    const d = await h.client(peer);
    expect(peer.connections).toBe(1);
    peer.dropConnections();
    await d.closed;
    expect(d.frames.some((f) => f.headers['Content-Type'] === 'text/disconnect-notice')).toBe(
      false,
    );
  });

  it(
    'shuts down like fsctl shutdown: SHUTDOWN, SYSTEM_SHUTDOWN ' +
      'hangups, the 31-byte notice, FIN; then restarts on the same port',
    async () => {
      const peer = await h.startPeer();
      const observer = await h.client(peer, 'plain CHANNEL_PARK CHANNEL_HANGUP_COMPLETE SHUTDOWN');
      const issuer = await h.client(peer);
      const call = peer.placeCall({ calledNumber: '4001234567' });
      await observer.event('CHANNEL_PARK');
      expect(await issuer.api('fsctl shutdown')).toBe('+OK\n');
      await observer.closed;
      expect(observer.events().map((e) => e['Event-Name'])).toEqual([
        'CHANNEL_PARK',
        'SHUTDOWN',
        'CHANNEL_HANGUP_COMPLETE',
      ]);
      expect(observer.events()[1]?.['Event-Info']).toBe('System Shutting Down');
      expect(observer.events()[2]?.['Hangup-Cause']).toBe('SYSTEM_SHUTDOWN');
      expect(observer.frames.at(-1)?.text).toBe(
        'Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut down.\n',
      );
      await issuer.closed;
      expect(await call.ended).toEqual({ cause: 'SYSTEM_SHUTDOWN' });
      const port = peer.port;
      expect(await peer.start()).toBe(port);
      const again = await h.client(peer);
      expect(await again.api('show channels as json')).toBe('{"row_count": 0}\n');
    },
  );
});

/** Frames of a capture file (server side). */
function splitFrames(data: Buffer): { headers: Record<string, string>; body: string }[] {
  const out: { headers: Record<string, string>; body: string }[] = [];
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\n\n');
    if (end < 0) return out;
    const headers: Record<string, string> = {};
    for (const line of rest.subarray(0, end).toString('latin1').split('\n'))
      headers[line.slice(0, line.indexOf(': '))] = line.slice(line.indexOf(': ') + 2);
    const length = Number(headers['Content-Length'] ?? 0);
    out.push({ headers, body: rest.subarray(end + 2, end + 2 + length).toString('utf8') });
    rest = rest.subarray(end + 2 + length);
  }
}
