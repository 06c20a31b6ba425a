import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../controller/http/auth/api-keys.js';
import { labConfig } from './lab-config.js';

const KEY = /^hk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Splits a presented key into its id and secret (the format is part of what is tested). */
function parts(key: string): { id: string; secret: string } {
  const m = KEY.exec(key);
  if (!m) throw new Error(`not an API key: ${key}`);
  return { id: m[1] as string, secret: m[2] as string };
}

/** The real API key store on the lab's Redis (db 15), under a key prefix of this run's own. */
describe('ApiKeyStore on Redis', () => {
  const prefix = `hotline-keystest-${process.pid}-${randomBytes(3).toString('hex')}:`;
  let redis: Redis;
  let store: ApiKeyStore;

  beforeAll(() => {
    redis = new Redis(labConfig().redis.url);
    store = new ApiKeyStore(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('creates a key whose verification gives its principal', async () => {
    const made = await store.create({ name: 'desk 1001', role: 'agent', agentId: '1001' });
    const { id } = parts(made.key);
    expect(made.info).toEqual({
      id,
      name: 'desk 1001',
      role: 'agent',
      agentId: '1001',
      createdAt: expect.any(String) as string,
    });
    expect(await store.verify(made.key)).toEqual({
      id,
      role: 'agent',
      agentId: '1001',
      via: 'key',
    });
    const admin = await store.create({ name: 'ci', role: 'admin' });
    expect(await store.verify(admin.key)).toEqual({
      id: parts(admin.key).id,
      role: 'admin',
      agentId: undefined,
      via: 'key',
    });
  });

  it('refuses a wrong secret, a malformed key and an unknown id', async () => {
    const made = await store.create({ name: 'wallboard', role: 'supervisor' });
    const { id, secret } = parts(made.key);
    const wrong = `hk_${id}_${randomBytes(32).toString('base64url')}`;
    const flipped = `hk_${id}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknown = `hk_${id === '000000000000' ? '000000000001' : '000000000000'}_${secret}`;
    const upper = /[a-f]/.test(id) ? [`hk_${id.toUpperCase()}_${secret}`] : [];
    for (const presented of [
      ...upper,
      wrong,
      flipped,
      unknown,
      `hk_${id}_${secret}x`,
      `hk_${id}_`,
      `${made.key} `,
      `hk_${id}`,
      '',
      'not a key',
    ]) {
      expect({ presented, principal: await store.verify(presented) }).toEqual({
        presented,
        principal: undefined,
      });
    }
    expect(await store.verify(made.key)).toMatchObject({ id, role: 'supervisor' });
  });

  it('revokes: refused from then on, still listed with revokedAt; unknown ids are not revoked', async () => {
    const made = await store.create({ name: 'old script', role: 'supervisor' });
    const { id } = parts(made.key);
    expect(await store.revoke(id)).toBe(true);
    expect(await store.verify(made.key)).toBeUndefined();
    const listed = (await store.list()).find((k) => k.id === id);
    expect(listed).toEqual({ ...made.info, revokedAt: expect.any(String) as string });
    // Revoking again keeps the first time.
    expect(await store.revoke(id)).toBe(true);
    expect((await store.list()).find((k) => k.id === id)?.revokedAt).toBe(listed?.revokedAt);
    expect(await store.revoke('0123456789ab')).toBe(false);
  });

  it('lists keys without hashes or secrets, and stores only the hash of the secret', async () => {
    const made = await store.create({ name: 'listed', role: 'admin' });
    const { id, secret } = parts(made.key);
    const list = await store.list();
    expect(list.map((k) => k.id)).toContain(id);
    for (const k of list) {
      expect(k).not.toHaveProperty('hash');
      expect(
        Object.keys(k).every((f) =>
          ['id', 'name', 'role', 'agentId', 'createdAt', 'revokedAt'].includes(f),
        ),
      ).toBe(true);
    }
    expect(JSON.stringify(list)).not.toContain(secret);
    const stored = await redis.get(`${prefix}api:key:${id}`);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(made.key);
    expect(JSON.parse(stored ?? '{}')).toMatchObject({
      id,
      name: 'listed',
      role: 'admin',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    expect(await redis.sismember(`${prefix}api:keys`, id)).toBe(1);
  });
});
