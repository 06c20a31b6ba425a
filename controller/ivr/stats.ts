import type { Redis } from 'ioredis';

/**
 * IVR analytics per flow and day, in one Redis hash each: entries and exits per node and outcome,
 * calls, turns, calls served without an agent, and speech recognition per node. Kept 90 days.
 */
export class IvrStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(flow: string, day = new Date().toISOString().slice(0, 10)): string {
    return `${this.prefix}ivr-stats:${flow}:${day}`;
  }

  async exit(flow: string, node: string, exit: string): Promise<void> {
    const key = this.key(flow);
    await this.redis.multi().hincrby(key, `node:${node}:in`, 1).hincrby(key, `node:${node}:out:${exit}`, 1).expire(key, 90 * 86_400).exec();
  }

  async call(flow: string, turns: number, selfServed: boolean): Promise<void> {
    const key = this.key(flow);
    await this.redis
      .multi()
      .hincrby(key, 'calls', 1)
      .hincrby(key, 'turns', turns)
      .hincrby(key, 'selfServed', selfServed ? 1 : 0)
      .expire(key, 90 * 86_400)
      .exec();
  }

  async speech(flow: string, node: string, recognized: boolean, confidence: number): Promise<void> {
    const key = this.key(flow);
    await this.redis
      .multi()
      .hincrby(key, `speech:${node}:tries`, 1)
      .hincrby(key, `speech:${node}:recognized`, recognized ? 1 : 0)
      .hincrbyfloat(key, `speech:${node}:confidenceSum`, confidence)
      .expire(key, 90 * 86_400)
      .exec();
  }

  /** The day's figures for a flow, as numbers. */
  async read(flow: string, day?: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.key(flow, day));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
