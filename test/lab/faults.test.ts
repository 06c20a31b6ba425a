import { labAsterisk } from '../../controller/config/servers.js';
import type { AsteriskServerConfig } from '../../controller/config/schema.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import { startAsterisk, stopAsterisk } from '../../tools/lab/asterisk.js';
import { labPaths } from '../../tools/lab/paths.js';
import type { Config } from '../../controller/config/schema.js';
import { runSipp } from '../../tools/sipp/sipp.js';
import { silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';
import { TcpProxy } from './tcp-proxy.js';

/** Faults between the controller and Asterisk: restarts, a late Asterisk, a dropped ARI socket. */
describe('ARI faults', () => {
  let controller: Controller | undefined;
  const base = labConfig();
  const ari = labAsterisk(base);
  const paths = labPaths(base.lab);

  afterEach(async () => {
    await controller?.stop(5000);
    controller = undefined;
    await startAsterisk(paths, ari);
  });

  const withServer = (patch: Partial<AsteriskServerConfig>): Config => ({
    ...base,
    session: { ...base.session, digitTimeoutMs: 1500 },
    api: { ...base.api, port: 18480 },
    mediaServers: [{ ...ari, ...patch, reconnect: { initialMs: 100, maxMs: 1000 } }],
  });

  async function callCompletes(): Promise<void> {
    const sipp = await runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    const record = await controller!.store.findBySipCallId(sipp.callId(1));
    expect(record?.digits).toBe('1');
  }

  it('with no controller connected, Asterisk refuses 400-number calls with 503 (the carrier can retry)', async () => {
    const sipp = await runSipp({
      scenario: 'uac-400-no-controller-expect-503',
      service: '4008001234',
      timeoutMs: 15_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    expect(sipp.successful).toBe(1);
  });

  it('starts without Asterisk, reports not ready, and serves calls once Asterisk appears', async () => {
    await stopAsterisk(paths);
    controller = await startController(withServer({}), { log: silentLog });
    await new Promise((r) => setTimeout(r, 500));
    const server = controller.servers[0]!;
    expect(server.status().ready).toBe(false);
    const res = await fetch(`http://127.0.0.1:${controller.httpPort()}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { mediaServers: { ready: boolean; reason: string }[] };
    expect(body.mediaServers[0]?.reason).toMatch(/cannot reach/);
    await startAsterisk(paths, ari);
    await waitReady(server, 20_000);
    expect((await fetch(`http://127.0.0.1:${controller.httpPort()}/readyz`)).status).toBe(200);
    await callCompletes();
  });

  it('answers the next call after Asterisk is restarted under it', async () => {
    controller = await startController(withServer({}), { log: silentLog, http: false });
    const server = controller.servers[0]!;
    await waitReady(server);
    await callCompletes();
    const lost = new Promise<void>((resolve) => {
      const off = server.onStatus((s) => {
        if (!s.ready) {
          off();
          resolve();
        }
      });
    });
    await stopAsterisk(paths);
    await lost;
    await startAsterisk(paths, ari);
    await waitReady(server, 30_000);
    await callCompletes();
  });

  it('keeps a live call when the ARI socket drops mid-call, and ends it cleanly', async () => {
    const proxy = new TcpProxy(18088, new URL(ari.url).port ? Number(new URL(ari.url).port) : 8088);
    await proxy.start();
    try {
      controller = await startController(withServer({ url: 'http://127.0.0.1:18088' }), {
        log: silentLog,
        http: false,
      });
      const server = controller.servers[0]!;
      await waitReady(server);
      let callId: string | undefined;
      const arrived = new Promise<void>((resolve) =>
        server.onCall((ch) => ((callId = ch.id), resolve())),
      );
      const call = runSipp({
        scenario: 'uac-400-dtmf-expect-bye',
        service: '4008001234',
        timeoutMs: 40_000,
      });
      await arrived;
      await new Promise((r) => setTimeout(r, 300));
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 1500));
      await proxy.restore();
      const sipp = await call;
      // The caller was served to the end and released by the controller, not left hanging.
      expect(sipp.exitCode, sipp.errors).toBe(0);
      expect(sipp.successful).toBe(1);
      const record = await controller.store.findBySipCallId(sipp.callId(1));
      expect(record?.hangupBy).toBe('controller');
      expect(['no-input', 'completed']).toContain(record?.outcome);
      const live = await server.liveState({ timeoutMs: 5000 });
      expect(live.channels.map((c) => c.id)).not.toContain(callId);
    } finally {
      await proxy.cut();
    }
  });
});
