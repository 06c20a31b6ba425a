import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account. It checks the access key id, not the V4 signature. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Object writes and deletes as the server saw them: 'ObjectCreated:Put' for one request, ':Post'
   * for a completed multipart upload.
   */
  readonly events: { name: string; key: string }[];
  close(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver) on a random loopback port, with `bucket` created, for the
 * S3 driver's contract tests. Its data lives in a fresh temp folder removed on close, unless the
 * caller passes its own `dir` (then the caller owns it).
 */
export async function startLocalS3(opts: { bucket?: string; dir?: string } = {}): Promise<LocalS3> {
  const bucket = opts.bucket ?? 'hotline-test';
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'hotline-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    // Path-style only: no wildcard host names resolve to loopback.
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const events: { name: string; key: string }[] = [];
  server.on('event', (e) =>
    events.push(...e.Records.map((r) => ({ name: r.eventName, key: r.s3.object.key }))),
  );
  let address;
  try {
    address = await server.run();
  } catch (err) {
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    credentials: { ...CREDENTIALS },
    events,
    async close() {
      // A client's kept-alive sockets would otherwise hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
