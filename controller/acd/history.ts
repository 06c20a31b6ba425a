import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Service history: which agent last served a caller, kept in Redis for a window (the key expires),
 * so the router can offer the same agent again. Callers are stored as hashes salted with a secret
 * kept outside Redis (the caller-hash secret), never as numbers (personal data).
 */
export class ServiceHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowSeconds: number,
    private readonly salt: string,
  ) {}

  private key(callerNumber: string): string {
    const digest = createHash('sha256')
      .update(`${this.salt}:${callerNumber.replace(/[^0-9+]/g, '')}`)
      .digest('hex')
      .slice(0, 32);
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

  /** Forgets a caller (erasure); true when there was something to forget. */
  async forget(callerNumber: string, opts: { dryRun?: boolean } = {}): Promise<boolean> {
    if (!callerNumber) return false;
    const key = this.key(callerNumber);
    return opts.dryRun ? (await this.redis.exists(key)) > 0 : (await this.redis.del(key)) > 0;
  }
}
