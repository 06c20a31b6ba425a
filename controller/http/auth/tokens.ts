import { createHmac, timingSafeEqual } from 'node:crypto';
import { ROLES, type Principal, type Role } from './principal.js';

/**
 * Signed bearer tokens: compact JWTs (HS256) with the role, the agent, an expiry and an id. Any
 * controller with the same secret accepts them (no Redis lookup), so an agent desktop can hold
 * one for a shift. Keys are for scripts; tokens for people.
 */
export class TokenSigner {
  constructor(private readonly secret: Buffer) {}

  issue(p: { sub: string; role: Role; agentId?: string | undefined }, ttlSeconds: number, now = Date.now()): { token: string; expiresAt: string } {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const body = b64({ sub: p.sub, role: p.role, ...(p.agentId ? { agent: p.agentId } : {}), iat: Math.floor(now / 1000), exp });
    const sig = this.sign(`${header}.${body}`);
    return { token: `${header}.${body}.${sig}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  verify(token: string, now = Date.now()): Principal | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((x) => !/^[A-Za-z0-9_-]+$/.test(x))) return undefined;
    const [h, b, s] = parts as [string, string, string];
    const want = Buffer.from(this.sign(`${h}.${b}`));
    const got = Buffer.from(s);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
    try {
      const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: unknown };
      if (head.alg !== 'HS256') return undefined;
      const claims = JSON.parse(Buffer.from(b, 'base64url').toString()) as { sub?: unknown; role?: unknown; agent?: unknown; exp?: unknown };
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return undefined;
      if (!(ROLES as readonly unknown[]).includes(claims.role)) return undefined;
      const agentId = typeof claims.agent === 'string' ? claims.agent : undefined;
      return { id: claims.sub, role: claims.role as Role, agentId, via: 'token' };
    } catch {
      return undefined;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
