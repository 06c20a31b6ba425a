import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { startLocalS3, type LocalS3 } from '../../test/contract/s3-server.js';
import { testStorageDriver } from '../../test/contract/storage.contract.js';
import { s3Storage, type S3StorageOptions } from './s3.js';

const MiB = 1024 * 1024;

function driverFor(s3: LocalS3, extra: Partial<S3StorageOptions> = {}) {
  return s3Storage({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: s3.bucket,
    ...s3.credentials,
    partSizeBytes: 5 * MiB,
    ...extra,
  });
}

// 11 MiB in 5 MiB parts: a multipart upload of three parts. Under a prefix, to prove keys stay relative.
testStorageDriver(
  's3 (s3rver)',
  async () => {
    const s3 = await startLocalS3();
    const driver = driverFor(s3, { prefix: 'recordings/cold' });
    return { driver, close: async () => (await driver.close?.(), await s3.close()) };
  },
  { largeBytes: 11 * MiB + 17 },
);

/** The typed error a call ends in, and how long it took. */
async function failure(p: Promise<unknown>): Promise<{
  code: string;
  message: string;
  ms: number;
  details: Readonly<Record<string, unknown>>;
}> {
  const t0 = Date.now();
  try {
    await p;
  } catch (err) {
    if (!isHotlineError(err))
      return {
        code: `untyped: ${String(err)}`,
        message: String(err),
        ms: Date.now() - t0,
        details: {},
      };
    return { code: err.code, message: err.message, ms: Date.now() - t0, details: err.details };
  }
  return { code: 'resolved', message: '', ms: Date.now() - t0, details: {} };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A loopback port nobody listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SECRET = 'secret-that-must-not-show';
const unreachable = (endpoint: string, extra: Partial<S3StorageOptions> = {}) =>
  s3Storage({
    endpoint,
    region: 'us-east-1',
    bucket: 'b',
    accessKeyId: 'AKIDNOTSHOWN',
    secretAccessKey: SECRET,
    maxAttempts: 2,
    requestTimeoutMs: 300,
    ...extra,
  });

async function keys(objects: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of objects) out.push(o.key);
  return out;
}

function bytesThenError(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return void setImmediate(() => this.destroy(new Error('source broke')));
      sent = true;
      this.push(bytes);
    },
  });
}

describe('s3 driver: faults and edges', () => {
  let s3: LocalS3;
  let raw: S3Client;
  beforeAll(async () => {
    s3 = await startLocalS3();
    raw = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
  });
  afterAll(async () => {
    raw?.destroy();
    await s3?.close();
  });

  it('answers a closed loopback port with STORAGE_UNAVAILABLE within seconds, for put, get and head', async () => {
    const driver = unreachable(`http://127.0.0.1:${await closedPort()}`);
    for (const call of [
      () => driver.put('a/x.bin', Buffer.from('x')),
      () => driver.get('a/x.bin'),
      () => driver.head('a/x.bin'),
    ]) {
      const f = await failure(call());
      expect(f.code).toBe('STORAGE_UNAVAILABLE');
      expect(f.ms).toBeLessThan(3000);
      expect(f.message).toMatch(/^\[recordings\] \[s3\] /);
      expect(f.message).not.toContain(SECRET);
    }
    await driver.close?.();
  });

  it('answers a server that never responds with STORAGE_UNAVAILABLE after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const server = createNetServer((s) => sockets.add(s));
    const driver = unreachable(`http://127.0.0.1:${await listen(server)}`);
    const f = await failure(driver.head('a/x.bin'));
    expect(f.code).toBe('STORAGE_UNAVAILABLE');
    expect(f.ms).toBeLessThan(3000);
    await driver.close?.();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries a throttling server maxAttempts times, then gives STORAGE_UNAVAILABLE', async () => {
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests++;
      res
        .writeHead(503, { 'content-type': 'application/xml' })
        .end('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>');
    });
    const driver = unreachable(`http://127.0.0.1:${await listen(server)}`, { maxAttempts: 3 });
    expect((await failure(driver.get('a/x.bin'))).code).toBe('STORAGE_UNAVAILABLE');
    expect(requests).toBe(3);
    await driver.close?.();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it(
    'answers a missing bucket with STORAGE_FAILED naming ' +
      'the bucket (not STORAGE_NOT_FOUND), on every call',
    async () => {
      const driver = driverFor(s3, { bucket: 'no-such-bucket' });
      const calls = [
        driver.put('a/x.bin', Buffer.from('x')),
        driver.get('a/x.bin'),
        driver.head('a/x.bin'),
        driver.delete('a/x.bin'),
        keys(driver.list()),
      ];
      for (const call of calls) {
        const f = await failure(call);
        expect(f.code).toBe('STORAGE_FAILED');
        expect(f.message).toContain('bucket no-such-bucket not found');
      }
      await driver.close?.();
    },
  );

  it('answers an unknown access key with STORAGE_FAILED and keeps the key out of the message', async () => {
    const driver = driverFor(s3, { accessKeyId: 'AKIDUNKNOWN123', secretAccessKey: SECRET });
    const f = await failure(driver.head('a/x.bin'));
    expect(f.code).toBe('STORAGE_FAILED');
    // The first request is a HEAD: a 403 with no body, so only the status tells.
    expect(f.message).toContain('access denied (HTTP 403)');
    expect(f.message).not.toContain('AKIDUNKNOWN123');
    expect(f.message).not.toContain(SECRET);
    await driver.close?.();
  });

  it('stores with the configured storage class, in one request and in a multipart upload', async () => {
    const cold = driverFor(s3, { storageClass: 'STANDARD_IA' });
    const plain = driverFor(s3);
    await cold.put('sc/small.bin', randomBytes(1000));
    await cold.put('sc/multi.bin', Readable.from([randomBytes(6 * MiB)]));
    await plain.put('sc/plain.bin', Buffer.from('x'));
    const storageClass = async (key: string) =>
      (await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).StorageClass;
    expect(await storageClass('sc/small.bin')).toBe('STANDARD_IA');
    expect(await storageClass('sc/multi.bin')).toBe('STANDARD_IA');
    expect(await storageClass('sc/plain.bin')).toBe('STANDARD');
    // And the 6 MiB body really went up in parts: s3rver reports a completed multipart upload as a POST.
    const created = (key: string) => s3.events.filter((e) => e.key === key).map((e) => e.name);
    expect(created('sc/small.bin')).toEqual(['ObjectCreated:Put']);
    expect(created('sc/multi.bin')).toEqual(['ObjectCreated:Post']);
    await cold.close?.();
    await plain.close?.();
  });

  it('leaves no object when the source breaks after the first part, and rethrows the source error', async () => {
    const driver = driverFor(s3);
    // s3rver has no AbortMultipartUpload: the driver must still surface the source's own error.
    await expect(driver.put('mp/torn.bin', bytesThenError(randomBytes(6 * MiB)))).rejects.toThrow(
      'source broke',
    );
    expect(await driver.head('mp/torn.bin')).toBeUndefined();
    expect(await keys(driver.list('mp/'))).toEqual([]);
    await driver.close?.();
  });

  it('cuts a loosely answered range to what was asked, and refuses any range of an empty object', async () => {
    const driver = driverFor(s3);
    const data = randomBytes(1000);
    await driver.put('rg/data.bin', data);
    await driver.put('rg/empty.bin', Buffer.alloc(0));
    // s3rver answers bytes=0-0 with the whole object.
    expect(
      (await buffer(await driver.get('rg/data.bin', { start: 0, end: 0 }))).equals(
        data.subarray(0, 1),
      ),
    ).toBe(true);
    expect(
      (await buffer(await driver.get('rg/data.bin', { start: 0, end: 9 }))).equals(
        data.subarray(0, 10),
      ),
    ).toBe(true);
    const beyond = await failure(driver.get('rg/data.bin', { start: 1000 }));
    expect(beyond).toMatchObject({ code: 'RECORDING_RANGE_INVALID', details: { size: 1000 } });
    expect(await failure(driver.get('rg/empty.bin', { start: 0 }))).toMatchObject({
      code: 'RECORDING_RANGE_INVALID',
      details: { size: 0 },
    });
    await driver.close?.();
  });

  it('keeps its keys under its prefix', async () => {
    const tenant = driverFor(s3, { prefix: '/tenant-a/' });
    const whole = driverFor(s3);
    await tenant.put('x/1.bin', Buffer.from('one'));
    expect((await whole.head('tenant-a/x/1.bin'))?.size).toBe(3);
    expect(await keys(tenant.list())).toEqual(['x/1.bin']);
    await tenant.close?.();
    await whole.close?.();
  });

  it('stops a put on an aborted signal with the caller’s reason', async () => {
    const driver = driverFor(s3);
    const reason = new Error('call ended');
    await expect(
      driver.put('ab/x.bin', Buffer.from('x'), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(await driver.head('ab/x.bin')).toBeUndefined();
    await driver.close?.();
    expect((await failure(driver.head('ab/x.bin'))).code).toBe('STORAGE_FAILED');
  });

  it('refuses bad options at construction with CONFIG_INVALID', () => {
    const base = { region: 'us-east-1', bucket: 'b', accessKeyId: 'a', secretAccessKey: 's' };
    for (const bad of [
      { partSizeBytes: 4 * MiB },
      { maxAttempts: 0 },
      { endpoint: 'not a url' },
      { bucket: '' },
    ]) {
      let code = 'constructed';
      try {
        s3Storage({ ...base, ...bad });
      } catch (err) {
        code = isHotlineError(err) ? err.code : String(err);
      }
      expect(code, JSON.stringify(bad)).toBe('CONFIG_INVALID');
    }
  });
});
