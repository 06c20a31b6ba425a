import { labAsterisk } from '../../controller/config/servers.js';
import type { Config } from '../../controller/config/schema.js';
import { asteriskPid, startAsterisk, stopAsterisk } from './asterisk.js';
import {
  controllerPid,
  startControllerProcess,
  stopControllerProcess,
} from './controller-process.js';
import { ensureFreeswitchRoot, freeswitchAvailability } from './freeswitch-build.js';
import { freeswitchPid, startFreeswitch, stopFreeswitch } from './freeswitch.js';
import { ensureChroot, ensureHostPackages, ensureMedia } from './install.js';
import { freeswitchLabPaths, labPaths } from './paths.js';
import { HotlineError } from '../../lib/errors.js';
import { redisPid, startRedis, stopRedis } from './redis.js';

export interface LabStatus {
  redis: number | undefined;
  asterisk: number | undefined;
  freeswitch: number | undefined;
  controller: number | undefined;
  ready: boolean;
}

const labServer = (config: Config) => labAsterisk(config);

/** Installs what is missing (first run only), then starts Redis and Asterisk. */
export async function labInfra(
  config: Config,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab runs Asterisk in a chroot and needs root');
  const paths = labPaths(config.lab);
  await ensureHostPackages(log);
  await ensureChroot(paths);
  await ensureMedia(paths, log);
  await startRedis(paths, config.lab.redisPort);
  await startAsterisk(paths, labServer(config));
}

/**
 * The FreeSWITCH lab (real FreeSWITCH 1.10.12 in its own root, built once from the source kit):
 * restored or built, configured from dialplan/freeswitch, started on loopback beside Asterisk.
 */
export async function labFreeswitch(
  config: Config,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  if (process.getuid?.() !== 0)
    throw new Error('the FreeSWITCH lab runs in a chroot and needs root');
  const paths = freeswitchLabPaths(config.lab);
  const running = await freeswitchPid(paths);
  if (running) return running;
  const availability = freeswitchAvailability(paths);
  if (!availability.available) throw new HotlineError('LAB_FAILED', availability.reason);
  await ensureHostPackages(log);
  await ensureFreeswitchRoot(paths);
  return startFreeswitch(paths, { seedPrompts: labPaths(config.lab).prompts });
}

export async function labUp(
  config: Config,
  opts: { configFile?: string | undefined; controller: boolean; freeswitch?: boolean },
): Promise<LabStatus> {
  await labInfra(config);
  if (opts.freeswitch) await labFreeswitch(config);
  if (opts.controller) {
    await startControllerProcess(
      labPaths(config.lab),
      opts.configFile,
      `http://${config.api.host}:${config.api.port}/readyz`,
    );
  }
  return labStatus(config);
}

export async function labDown(config: Config): Promise<void> {
  const paths = labPaths(config.lab);
  await stopControllerProcess(paths);
  await stopAsterisk(paths);
  await stopFreeswitch(freeswitchLabPaths(config.lab));
  await stopRedis(paths);
}

export async function labStatus(config: Config): Promise<LabStatus> {
  const paths = labPaths(config.lab);
  const ready = await fetch(`http://${config.api.host}:${config.api.port}/readyz`, {
    signal: AbortSignal.timeout(1000),
  }).then(
    (r) => r.ok,
    () => false,
  );
  return {
    redis: await redisPid(paths),
    asterisk: await asteriskPid(paths),
    freeswitch: await freeswitchPid(freeswitchLabPaths(config.lab)),
    controller: await controllerPid(paths),
    ready,
  };
}
