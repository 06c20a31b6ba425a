import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { registerPromptsCommand } from '../../controller/cli/commands/prompts.js';
import { loadConfig } from '../../controller/config/load.js';
import type { AsteriskServerConfig } from '../../controller/config/schema.js';
import { loadFlowFolder } from '../../controller/ivr/load.js';
import { indexPrompts } from '../../controller/ivr/prompt-index.js';
import { loadRouting } from '../../controller/acd/config-load.js';
import { loadRegions } from '../../controller/acd/directory.js';
import { readCatalogue } from '../../media/prompts.js';

/**
 * No container engine runs on the development machines or CI, so the docker stack is checked
 * without one: docker/compose.yml against a schema of the parts it uses (and by docker-compose's
 * own `config` where that is installed), every file it mounts or its Dockerfiles copy exists, and
 * every configuration file the containers read loads with the project's own loaders and agrees
 * with the others (paths, ports, passwords).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCKER = join(ROOT, 'docker');
const COMPOSE_FILE = join(DOCKER, 'compose.yml');

const duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration such as 10s');
const healthcheck = z.strictObject({
  test: z.union([
    z.tuple([z.literal('CMD')], z.string()),
    z.tuple([z.literal('CMD-SHELL'), z.string()]),
  ]),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number().int().positive().optional(),
  start_period: duration.optional(),
});
// Short syntax only: SOURCE:TARGET[:ro|:rw], the target absolute.
const volume = z.string().regex(/^[^:\s]+:\/[^:\s]*(:ro|:rw)?$/, 'SOURCE:/TARGET[:ro]');
const service = z
  .strictObject({
    image: z.string().min(1).optional(),
    build: z.strictObject({ context: z.string().min(1), dockerfile: z.string().min(1) }).optional(),
    command: z.array(z.string()).optional(),
    network_mode: z.literal('host').optional(),
    ports: z
      .array(z.string().regex(/^(\d+\.\d+\.\d+\.\d+:)?\d+(-\d+)?:\d+(-\d+)?(\/(tcp|udp))?$/))
      .optional(),
    environment: z
      .union([
        z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable()),
        z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*(=.*)?$/)),
      ])
      .optional(),
    volumes: z.array(volume).optional(),
    depends_on: z
      .union([
        z.array(z.string()),
        z.record(
          z.string(),
          z.strictObject({
            condition: z.enum([
              'service_started',
              'service_healthy',
              'service_completed_successfully',
            ]),
          }),
        ),
      ])
      .optional(),
    healthcheck: healthcheck.optional(),
    restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  })
  .refine(
    (s) => (s.image === undefined) !== (s.build === undefined),
    'either image or build, not both: a pull could replace the built image',
  )
  .refine(
    (s) => !(s.network_mode === 'host' && s.ports),
    'ports mean nothing with host networking',
  );
const composeSchema = z.strictObject({
  services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), service),
  volumes: z.record(z.string(), z.null()).optional(),
});
type Service = z.infer<typeof service>;

const compose = composeSchema.parse(parse(readFileSync(COMPOSE_FILE, 'utf8')));
const services = compose.services;
const named = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker/compose.yml has no service ${name}`);
  return s;
};

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  /** The folder or file on this machine, for a bind mount; undefined for a named volume. */
  host: string | undefined;
}
const mounts = (s: Service): Mount[] =>
  (s.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    const bind = source.startsWith('.') || source.startsWith('/');
    return {
      source,
      target,
      readOnly: mode === 'ro',
      host: bind ? resolve(DOCKER, source) : undefined,
    };
  });
/** The mount a path in the container lives on (the deepest one). */
const mountOf = (s: Service, path: string): Mount | undefined =>
  mounts(s)
    .filter((m) => path === m.target || path.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];

/** A Dockerfile's instructions, continuation lines joined and comments dropped. */
function instructions(file: string): { op: string; args: string }[] {
  const joined = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => /^\s*([A-Za-z]+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ op: m[1]!.toUpperCase(), args: m[2]!.trim() }));
}
const contextOf = (s: Service): string => resolve(DOCKER, s.build!.context);
const dockerfileOf = (s: Service): string => join(contextOf(s), s.build!.dockerfile);

/** `[section]` -> key -> value, for Asterisk's .conf files (enough for the keys read here). */
function asteriskConf(file: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? new Map<string, string>();
      sections.set(header[1]!, current);
    } else if (/^[\w-]+\s*=>?/.test(line)) {
      const [key = '', ...rest] = line.split(/=>?/);
      current.set(key.trim(), rest.join('=').trim());
    }
  }
  return sections;
}

describe('docker/compose.yml', () => {
  it(
    'uses only declared volumes, declares only used ones, ' +
      'and every bind-mounted path exists in the repository',
    () => {
      const declared = new Set(Object.keys(compose.volumes ?? {}));
      const used = new Set<string>();
      for (const [name, s] of Object.entries(services)) {
        for (const m of mounts(s)) {
          if (m.host === undefined) {
            expect(declared, `${name}: volume ${m.source}`).toContain(m.source);
            used.add(m.source);
          } else {
            expect(
              relative(ROOT, m.host).startsWith('..'),
              `${name}: ${m.source} is outside the repository`,
            ).toBe(false);
            expect(existsSync(m.host), `${name}: ${m.source} does not exist`).toBe(true);
          }
        }
      }
      expect([...declared].sort()).toEqual([...used].sort());
    },
  );

  it('waits only for services that exist, and for health only where there is a healthcheck', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on)
        ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }]))
        : (s.depends_on ?? {});
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        if (condition === 'service_healthy')
          expect(named(dep).healthcheck, `${dep} has no healthcheck`).toBeDefined();
      }
    }
  });

  it('builds from folders and Dockerfiles that exist, copying only files that exist and stages defined before', () => {
    for (const [name, s] of Object.entries(services).filter(([, s]) => s.build)) {
      expect(statSync(contextOf(s)).isDirectory(), `${name}: build context`).toBe(true);
      const stages = new Set<string>();
      for (const { op, args } of instructions(dockerfileOf(s))) {
        const stage = /\s+AS\s+(\S+)$/i.exec(args);
        if (op === 'FROM' && stage) stages.add(stage[1]!);
        if (op !== 'COPY' && op !== 'ADD') continue;
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        if (from !== undefined) {
          expect(stages, `${name}: ${op} ${args}`).toContain(from);
          continue;
        }
        for (const source of words.filter((w) => !w.startsWith('--')).slice(0, -1)) {
          expect(
            existsSync(join(contextOf(s), source)),
            `${name}: ${op} ${source} (from ${s.build!.dockerfile})`,
          ).toBe(true);
        }
      }
    }
  });

  const composeBinary = spawnSync('docker-compose', ['version'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const haveCompose = composeBinary.error === undefined && composeBinary.status === 0;
  if (!haveCompose) {
    console.warn(
      '\n*** docker-compose is not installed: docker/compose.yml is ' +
        'checked against the schema only (`hotline lab up` installs it) ***\n',
    );
  }
  it.skipIf(!haveCompose)(
    'is accepted by docker-compose config (no engine needed), with the same services',
    () => {
      const run = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.stderr, 'docker-compose config').not.toMatch(/ERROR/);
      expect(run.status).toBe(0);
      const resolved = z
        .object({ services: z.record(z.string(), z.unknown()) })
        .parse(parse(run.stdout));
      expect(Object.keys(resolved.services).sort()).toEqual(Object.keys(services).sort());
    },
  );
});

describe('the configuration the stack mounts', () => {
  const controller = named('controller');
  const asterisk = named('asterisk');
  const redis = named('redis');
  const controllerFile = instructions(dockerfileOf(controller));
  const asteriskFile = instructions(dockerfileOf(asterisk));
  const configPath = /HOTLINE_CONFIG=(\S+)/.exec(
    controllerFile
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' '),
  )?.[1];
  const hostPath = (path: string): string => {
    const m = mountOf(controller, path);
    if (!m?.host)
      throw new Error(`the controller reads ${path}, which compose does not bind-mount`);
    return join(m.host, posix.relative(m.target, path));
  };
  // An empty environment: the machine's own HOTLINE_* variables are not the stack's.
  const config = loadConfig({
    file: hostPath(configPath ?? '(HOTLINE_CONFIG unset in docker/Dockerfile)'),
    env: {},
  });
  const ari = config.mediaServers.find((m): m is AsteriskServerConfig => m.kind === 'asterisk');

  it('docker/hotline.yaml loads with the controller schema, and its state lives on writable volumes', () => {
    expect(ari, 'an Asterisk media server').toBeDefined();
    const folders = [
      config.recordings.warm.dir,
      dirname(config.recordings.keyFile),
      dirname(config.api.tokenSecretFile),
      ari!.recordingsDir,
    ];
    if (config.recordings.cold.driver === 'folder') folders.push(config.recordings.cold.dir);
    if (config.recordings.hotDir) folders.push(config.recordings.hotDir);
    const dockerfileText = controllerFile.map((i) => i.args).join('\n');
    for (const folder of folders) {
      const m = mountOf(controller, folder);
      expect(m, `${folder} is on no volume: lost with the container`).toBeDefined();
      expect(m!.host, `${folder} must be on a named volume`).toBeUndefined();
      expect(m!.readOnly, `${folder} must be writable`).toBe(false);
      // The image makes the volume's folder (owned by its user), so a new volume starts writable.
      expect(dockerfileText, `docker/Dockerfile creates ${m!.target}`).toContain(m!.target);
    }
  });

  it('the routing folder loads and checks, and its agents ring PJSIP endpoints the Asterisk image has', () => {
    const dir = hostPath(config.routing.dir);
    const routing = loadRouting(dir);
    expect(routing.agents.length).toBeGreaterThan(0);
    expect(() => loadRegions(dir)).not.toThrow();
    const pjsip = asteriskConf(join(ROOT, 'dialplan', 'asterisk', 'pjsip.conf'));
    for (const agent of routing.agents) {
      const target = /^PJSIP\/[^@]+@(.+)$/.exec(agent.endpoint)?.[1];
      if (target !== undefined)
        expect([...pjsip.keys()], `agent ${agent.id}: ${agent.endpoint}`).toContain(target);
    }
  });

  it('the flows load and check against the prompt catalogue and the routing queues', async () => {
    const queues = new Set(loadRouting(hostPath(config.routing.dir)).queues.map((q) => q.id));
    const result = loadFlowFolder(hostPath(config.flows.dir), {
      prompts: indexPrompts(await readCatalogue()),
      queues,
    });
    expect([...[...result.failed.values()].flat(), ...result.conflicts]).toEqual([]);
    expect(result.flows.size).toBeGreaterThan(0);
  });

  it('Redis, Asterisk and the healthchecks are where the configuration says', () => {
    const redisPort = redis.command?.[redis.command.indexOf('--port') + 1];
    expect(new URL(config.redis.url).port).toBe(redisPort);
    expect(redis.healthcheck?.test.join(' ')).toContain(`-p ${String(redisPort)}`);
    expect(controller.healthcheck?.test.join(' ')).toContain(
      `//127.0.0.1:${String(config.api.port)}/readyz`,
    );
    // Both containers see the recordings at the same path, on the same volume.
    const recordings = mountOf(controller, ari!.recordingsDir);
    const spool = asteriskConf(join(ROOT, 'dialplan', 'asterisk', 'asterisk.conf'))
      .get('directories')
      ?.get('astspooldir');
    expect(mountOf(asterisk, `${String(spool)}/recording`)?.source).toBe(recordings?.source);
    expect(ari!.recordingsDir).toBe(`${String(spool)}/recording`);
  });

  it(
    'the Asterisk image carries the project configuration, the same ' +
      'ARI account, and the prompts where the controller names them',
    async () => {
      const copies = asteriskFile
        .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
        .map((i) => i.args.split(/\s+/));
      const into = (file: string): string => {
        // The last COPY to write /etc/asterisk/<file> wins.
        const last = copies
          .filter(([, dest]) => dest === `/etc/asterisk/${file}` || dest === '/etc/asterisk/')
          .at(-1);
        expect(last, `nothing copies /etc/asterisk/${file}`).toBeDefined();
        return last![1]!.endsWith('/')
          ? join(contextOf(asterisk), last![0]!, file)
          : join(contextOf(asterisk), last![0]!);
      };
      for (const file of [
        'asterisk.conf',
        'modules.conf',
        'extensions.conf',
        'pjsip.conf',
        'http.conf',
        'ari.conf',
        'musiconhold.conf',
        'rtp.conf',
        'logger.conf',
      ]) {
        expect(existsSync(into(file)), file).toBe(true);
      }
      const account = asteriskConf(into('ari.conf')).get(ari!.username);
      expect(account?.get('type')).toBe('user');
      expect(
        account?.get('password'),
        'ARI password: docker/hotline.yaml and the ari.conf the image carries',
      ).toBe(ari!.password);
      const http = asteriskConf(into('http.conf')).get('general');
      expect(http?.get('enabled')).toBe('yes');
      expect(http?.get('bindport')).toBe(new URL(ari!.url).port);
      expect(readFileSync(into('extensions.conf'), 'utf8')).toContain(`Stasis(${ari!.app},`);

      // The prompts: made by `hotline prompts build` at build time, copied to promptDir.
      const build = asteriskFile.find(
        (i) => i.op === 'RUN' && i.args.includes('bin/hotline.js prompts build'),
      );
      const argv =
        /bin\/hotline\.js (prompts build[^&;]*)/
          .exec(build?.args ?? '')?.[1]
          ?.trim()
          .split(/\s+/) ?? [];
      const program = new Command().exitOverride();
      registerPromptsCommand(program);
      const parsed: { out?: string; holdMusic?: string } = {};
      const stop = new Error('parsed');
      program.hook('preAction', (_, action) => {
        Object.assign(parsed, action.opts());
        throw stop;
      });
      await expect(program.parseAsync(argv, { from: 'user' })).rejects.toBe(stop);
      const copiedTo = (from: string | undefined): string | undefined =>
        asteriskFile
          .filter((i) => i.op === 'COPY' && i.args.startsWith('--from='))
          .map((i) => i.args.split(/\s+/))
          .find(
            ([, src]) =>
              src !== undefined &&
              from !== undefined &&
              (from === src || from.startsWith(`${src}/`)),
          )?.[2];
      expect(
        copiedTo(parsed.out),
        'the generated prompts are copied to the configured promptDir',
      ).toBe(ari!.promptDir);
      const moh = asteriskConf(into('musiconhold.conf')).get('default')?.get('directory');
      expect(copiedTo(parsed.holdMusic === undefined ? undefined : dirname(parsed.holdMusic))).toBe(
        moh,
      );
      // Nothing mounted over them hides what the image made.
      expect(mountOf(asterisk, ari!.promptDir)).toBeUndefined();
      expect(mountOf(asterisk, String(moh))).toBeUndefined();
    },
  );
});
