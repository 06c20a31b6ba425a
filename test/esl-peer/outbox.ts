import type { Socket } from 'node:net';
import type { Timers } from './world.js';

/** Writes in order; with `chunking`, in random small pieces with small delays (to test readers). */
export class Outbox {
  private readonly queue: Buffer[] = [];
  private pumping = false;
  private ending = false;

  constructor(
    private readonly socket: Socket,
    private readonly chunking: { maxChunk: number; maxDelayMs: number } | undefined,
    private readonly timers: Timers,
  ) {}

  write(data: string): void {
    if (this.socket.destroyed || this.ending) return;
    if (!this.chunking) {
      this.socket.write(data);
      return;
    }
    this.queue.push(Buffer.from(data, 'utf8'));
    if (!this.pumping) {
      this.pumping = true;
      this.step();
    }
  }

  end(): void {
    this.ending = true;
    if (!this.pumping && !this.socket.destroyed) this.socket.end();
  }

  private readonly step = (): void => {
    const head = this.queue[0];
    if (!head || this.socket.destroyed || !this.chunking) {
      this.pumping = false;
      if (this.ending && !this.socket.destroyed) this.socket.end();
      return;
    }
    const n = 1 + Math.floor(Math.random() * this.chunking.maxChunk);
    if (n >= head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    this.socket.write(head.subarray(0, n));
    this.timers.after(Math.floor(Math.random() * (this.chunking.maxDelayMs + 1)), this.step);
  };
}
