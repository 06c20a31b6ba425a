import { randomBytes } from 'node:crypto';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from './tokens.js';

const secret = randomBytes(32);
const signer = new TokenSigner(secret);
const key = { kty: 'oct', k: secret.toString('base64url') };
const now = (): number => Math.floor(Date.now() / 1000);

describe('bearer tokens', () => {
  it('issues what hono/jwt signs, byte for byte', async () => {
    const at = Date.now();
    const { token } = signer.issue({ sub: 'alice', role: 'agent', agentId: '1001' }, 600, at);
    const s = Math.floor(at / 1000);
    expect(token).toBe(
      await sign(
        { sub: 'alice', role: 'agent', agent: '1001', iat: s, exp: s + 600 },
        key,
        'HS256',
      ),
    );
  });

  it('accepts its own tokens, with role and agent', async () => {
    const { token, expiresAt } = signer.issue({ sub: 'bob', role: 'supervisor' }, 60);
    expect(await signer.verify(token)).toEqual({
      id: 'bob',
      role: 'supervisor',
      agentId: undefined,
      via: 'token',
    });
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
  });

  it('refuses expired, tampered, foreign, unsigned and other-algorithm tokens', async () => {
    const expired = signer.issue({ sub: 'x', role: 'admin' }, 60, Date.now() - 3600_000).token;
    const good = signer.issue({ sub: 'x', role: 'agent', agentId: '1001' }, 60).token;
    const [h, , s] = good.split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', exp: now() + 60 })).toString('base64url')}.${s}`;
    const foreign = new TokenSigner(randomBytes(32)).issue({ sub: 'x', role: 'admin' }, 60).token;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', exp: now() + 60 })).toString('base64url')}.`;
    const hs512 = await sign({ sub: 'x', role: 'admin', exp: now() + 60 }, key, 'HS512');
    for (const t of [expired, forged, foreign, none, hs512, 'not.a.token', '', 'a.b', `${good}x`])
      expect(await signer.verify(t), t).toBeUndefined();
  });

  it('refuses a correctly signed token without an expiry or with an unknown role', async () => {
    expect(
      await signer.verify(await sign({ sub: 'x', role: 'admin' }, key, 'HS256')),
    ).toBeUndefined();
    expect(
      await signer.verify(await sign({ sub: 'x', role: 'root', exp: now() + 60 }, key, 'HS256')),
    ).toBeUndefined();
    expect(
      await signer.verify(await sign({ role: 'admin', exp: now() + 60 }, key, 'HS256')),
    ).toBeUndefined();
  });
});
