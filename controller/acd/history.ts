import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Service history: which agent last served a caller, kept in Redis for a window (the key expires),
 * so the router can offer the same agent again. Callers are stored as salted hashes, never as
 * numbers (personal data).
 */
export class ServiceHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowSeconds: number,
    private readonly salt: string,
  ) {}

  private key(callerNumber: string): string {
    const digest = createHash('sha256').update(`${this.salt}:${callerNumber}`).digest('hex').slice(0, 32);
    return `${this.prefix}history:${digest}`;
  }

  async remember(callerNumber: string, agentId: string): Promise<void> {
    if (!callerNumber || this.windowSeconds <= 0) return;
    await this.redis.set(this.key(callerNumber), agentId, 'EX', this.windowSeconds);
  }

  async lastAgent(callerNumber: string): Promise<string | undefined> {
    if (!callerNumber || this.windowSeconds <= 0) return undefined;
    return (await this.redis.get(this.key(callerNumber))) ?? undefined;
  }
}
