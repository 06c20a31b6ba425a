import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ESL_FIXTURES_DIR } from './fixtures.js';

interface Step {
  dir: 'rx' | 'tx' | 'note';
  data?: string;
  text?: string;
}

/**
 * Plays one captured FreeSWITCH session back to a client: the server's bytes exactly as
 * FreeSWITCH sent them, each block released once the client has sent the command the capture's
 * client sent at that point. The client's command must have the same first line; the ids a
 * client chooses (`Job-UUID`, `Event-UUID`) are swapped into the rest of the capture, so a client
 * that correlates by them can be checked against real FreeSWITCH bytes.
 */
export class ReplayServer {
  private server: Server | undefined;
  readonly received: string[] = [];
  readonly mismatches: string[] = [];
  port = 0;

  constructor(private readonly capture: string) {}

  async start(): Promise<void> {
    const steps = readFileSync(join(ESL_FIXTURES_DIR, `${this.capture}.timeline.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Step);
    this.server = createServer((socket) => void this.play(socket, steps));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** The bytes the capture's own client sent (to reuse ids it chose). */
  capturedClient(): string {
    return readFileSync(join(ESL_FIXTURES_DIR, `${this.capture}.client.txt`), 'latin1');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private async play(socket: Socket, steps: Step[]): Promise<void> {
    const swaps = new Map<string, string>();
    const commands = commandReader(socket);
    socket.on('error', () => undefined);
    for (const step of steps) {
      if (socket.destroyed) return;
      if (step.dir === 'rx' && step.data !== undefined) {
        let data = step.data;
        for (const [from, to] of swaps) data = data.split(from).join(to);
        socket.write(Buffer.from(data, 'latin1'));
      } else if (step.dir === 'tx' && step.data !== undefined) {
        const got = await commands.next();
        if (got === undefined) return;
        this.received.push(got);
        const want = step.data;
        if (firstLine(got) !== firstLine(want))
          this.mismatches.push(
            `expected ${JSON.stringify(firstLine(want))}, got ${JSON.stringify(firstLine(got))}`,
          );
        for (const name of ['job-uuid', 'event-uuid']) {
          const a = header(want, name);
          const b = header(got, name);
          if (a && b) swaps.set(a, b);
        }
      } else if (step.dir === 'note' && /client closes/.test(step.text ?? '')) {
        // What FreeSWITCH sent next was its answer to the client going away: wait for that.
        await commands.ended();
      } else if (
        step.dir === 'note' &&
        /server half-closed|closed by server/.test(step.text ?? '')
      ) {
        socket.end();
        return;
      }
    }
  }
}

function firstLine(command: string): string {
  return command.split('\n', 1)[0] ?? '';
}

function header(command: string, name: string): string | undefined {
  for (const line of command.split('\n').slice(1)) {
    const at = line.indexOf(':');
    if (at > 0 && line.slice(0, at).trim().toLowerCase() === name) return line.slice(at + 1).trim();
  }
  return undefined;
}

/** Client commands, each ended by a blank line, however they arrive. */
function commandReader(socket: Socket): {
  next(): Promise<string | undefined>;
  ended(): Promise<void>;
} {
  let buffer = '';
  const ready: string[] = [];
  let waiter: ((c: string | undefined) => void) | undefined;
  let ended = false;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      ready.push(buffer.slice(0, at + 2));
      buffer = buffer.slice(at + 2);
    }
    flush();
  });
  let onEnd: () => void = () => undefined;
  const endedP = new Promise<void>((resolve) => (onEnd = resolve));
  socket.on('end', onEnd);
  socket.on('close', () => {
    ended = true;
    onEnd();
    flush();
  });
  function flush(): void {
    if (!waiter) return;
    const c = ready.shift();
    if (c === undefined && !ended) return;
    const w = waiter;
    waiter = undefined;
    w(c);
  }
  return {
    ended: () => endedP,
    next: () =>
      new Promise((resolve) => {
        waiter = resolve;
        flush();
      }),
  };
}
