import { createHmac } from 'node:crypto';
import { verify } from 'hono/jwt';
import { ROLES, type Principal, type Role } from './principal.js';

/**
 * Signed bearer tokens: compact JWTs (HS256) with the role, the agent, an expiry and an id. Any
 * controller with the same secret accepts them (no Redis lookup), so an agent desktop can hold
 * one for a shift. Keys are for scripts; tokens for people.
 *
 * Checking a token (signature, pinned algorithm, header, expiry) is hono/jwt's `verify`. Issuing
 * stays synchronous — the CLI and the test fakes call it so — and makes byte for byte what
 * hono/jwt's `sign` makes (tokens.test.ts holds the two together).
 */
export class TokenSigner {
  /** The raw secret as a JSON Web Key: hono would read a string key as UTF-8 text, not bytes. */
  private readonly key: { kty: 'oct'; k: string };

  constructor(private readonly secret: Buffer) {
    this.key = { kty: 'oct', k: secret.toString('base64url') };
  }

  issue(
    p: { sub: string; role: Role; agentId?: string | undefined },
    ttlSeconds: number,
    now = Date.now(),
  ): { token: string; expiresAt: string } {
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const signed = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: p.sub, role: p.role, ...(p.agentId ? { agent: p.agentId } : {}), iat: Math.floor(now / 1000), exp })}`;
    const sig = createHmac('sha256', this.secret).update(signed).digest('base64url');
    return { token: `${signed}.${sig}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The caller a token names, or undefined for any token we did not issue or that has expired. */
  async verify(token: string): Promise<Principal | undefined> {
    let claims: Record<string, unknown>;
    try {
      // iat is not checked: controllers sharing the secret may disagree on the time by a second.
      claims = await verify(token, this.key, { alg: 'HS256', iat: false });
    } catch {
      // Every refusal (bad signature, other algorithm, expired, malformed) is the same 401 to the caller.
      return undefined;
    }
    // Our tokens always carry an expiry; hono only checks one that is present.
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (!(ROLES as readonly unknown[]).includes(claims.role)) return undefined;
    const agentId = typeof claims.agent === 'string' ? claims.agent : undefined;
    return { id: claims.sub, role: claims.role as Role, agentId, via: 'token' };
  }
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
