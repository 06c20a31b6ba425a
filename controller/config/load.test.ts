import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isHotlineError(err, 'CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('loadConfig', () => {
  it('defaults run the local lab', () => {
    const c = loadConfig({ env: {} });
    expect(c.mediaServers).toHaveLength(1);
    expect(c.mediaServers[0]).toMatchObject({
      id: 'asterisk-lab',
      kind: 'asterisk',
      url: 'http://127.0.0.1:8088',
      app: 'hotline',
    });
    expect(c.api).toMatchObject({ host: '127.0.0.1', port: 8480 });
    expect(c.redis.url).toBe('redis://127.0.0.1:6399/0');
    expect(c.numbers.pattern).toBe('^400\\d{7}$');
  });

  it(
    'takes a mix of Asterisk and FreeSWITCH servers; environment ' +
      'overrides reach the FreeSWITCH keys; mistakes name the key',
    () => {
      const yaml =
        'mediaServers:\n  - { id: ast-1, kind: asterisk }\n  - { id: fs-1, ' +
        'kind: freeswitch, host: 10.0.0.6, password: a-long-secret }\n';
      const c = loadConfig({
        file: file('mix.yaml', yaml),
        env: { HOTLINE_MEDIA_SERVERS_1_PORT: '9021' },
      });
      expect(c.mediaServers.map((m) => m.kind)).toEqual(['asterisk', 'freeswitch']);
      expect(c.mediaServers[1]).toMatchObject({
        id: 'fs-1',
        host: '10.0.0.6',
        port: 9021,
        conferenceProfile: 'hotline',
        musicOnHold: 'local_stream://moh',
      });
      const short = problem(() =>
        loadConfig({
          file: file(
            'fs-short.yaml',
            'mediaServers:\n  - { id: fs-1, kind: freeswitch, password: ClueCon }\n',
          ),
          env: {},
        }),
      );
      expect(short).toMatch(/mediaServers\.0\.password/);
      expect(short).toContain('got a value');
      expect(
        problem(() =>
          loadConfig({
            file: file('fs-kind.yaml', 'mediaServers:\n  - { id: x, kind: yate }\n'),
            env: {},
          }),
        ),
      ).toMatch(/mediaServers\.0\.kind/);
    },
  );

  it('reads a YAML file and keeps defaults for what it leaves out', () => {
    const c = loadConfig({
      file: file('ok.yaml', 'api:\n  port: 9000\nlog:\n  level: debug\n'),
      env: {},
    });
    expect(c.api.port).toBe(9000);
    expect(c.api.host).toBe('127.0.0.1');
    expect(c.log.level).toBe('debug');
  });

  it('the example configuration shipped for the docker stack is valid', () => {
    const c = loadConfig({
      file: join(import.meta.dirname, '..', '..', 'docker', 'hotline.yaml'),
      env: {},
    });
    expect(c.mediaServers[0]?.id).toBe('asterisk-1');
    expect(new RegExp(c.numbers.pattern).test('4008001234')).toBe(true);
  });

  it('recordings: defaults, the docker example with S3, secrets from the environment, bad policies refused', () => {
    const d = loadConfig({ env: {} }).recordings;
    expect(d).toMatchObject({
      enabled: true,
      cold: { driver: 'folder' },
      policy: { hotDays: 7, warmDays: 30, retentionDays: 180 },
      worker: { mode: 'controller' },
    });
    const docker = loadConfig({
      file: join(import.meta.dirname, '..', '..', 'docker', 'hotline.yaml'),
      env: { HOTLINE_RECORDINGS_COLD_SECRET_ACCESS_KEY: 'from-env-secret' },
    });
    expect(docker.recordings.cold).toMatchObject({
      driver: 's3',
      bucket: 'hotline-recordings',
      storageClass: 'STANDARD_IA',
      secretAccessKey: 'from-env-secret',
    });
    const msg = problem(() =>
      loadConfig({
        file: file(
          'rec.yaml',
          'recordings:\n  policy: { hotDays: 40, warmDays: 30, retentionDays: 180 }\n',
        ),
        env: {},
      }),
    );
    expect(msg).toContain('recordings.policy');
    expect(msg).toContain('tier ages must grow');
    expect(
      problem(() =>
        loadConfig({
          file: file(
            'rec2.yaml',
            'recordings:\n  cold: { driver: s3, bucket: B!, accessKeyId: a, secretAccessKey: supersecret }\n',
          ),
          env: {},
        }),
      ),
    ).not.toContain('supersecret');
  });

  it('an empty file is the defaults', () => {
    expect(loadConfig({ file: file('empty.yaml', ''), env: {} }).api.port).toBe(8480);
  });

  it('environment overrides the file, with types kept', () => {
    const c = loadConfig({
      file: file('env.yaml', 'api:\n  port: 9000\n'),
      env: {
        HOTLINE_API_PORT: '9100',
        HOTLINE_API_HOST: '0.0.0.0',
        HOTLINE_LOG_MASK_CALLER_NUMBERS: 'false',
        HOTLINE_MEDIA_SERVERS_0_PASSWORD: 'a-long-secret',
      },
    });
    expect(c.api).toMatchObject({ host: '0.0.0.0', port: 9100 });
    expect(c.log.maskCallerNumbers).toBe(false);
    expect(c.mediaServers[0]?.password).toBe('a-long-secret');
  });

  it('missing file: names the file and the reason', () => {
    expect(problem(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }))).toMatch(
      /cannot read .*nope\.yaml \(ENOENT\)/,
    );
  });

  it('broken YAML: names the file and line', () => {
    expect(
      problem(() => loadConfig({ file: file('bad.yaml', 'api:\n  port: [1,\n'), env: {} })),
    ).toMatch(/bad\.yaml:\d+: not valid YAML/);
  });

  it('duplicate keys are refused', () => {
    expect(
      problem(() =>
        loadConfig({ file: file('dup.yaml', 'api:\n  port: 1\napi:\n  port: 2\n'), env: {} }),
      ),
    ).toMatch(/not valid YAML/);
  });

  it('a list at the top level is refused', () => {
    expect(problem(() => loadConfig({ file: file('list.yaml', '- a\n- b\n'), env: {} }))).toMatch(
      /expected a mapping/,
    );
  });

  it('wrong type: key, value, source and expectation', () => {
    const msg = problem(() =>
      loadConfig({ file: file('type.yaml', 'api:\n  port: eighty\n'), env: {} }),
    );
    expect(msg).toContain('api.port: got "eighty"');
    expect(msg).toContain('type.yaml');
    expect(msg).toContain('expected number');
  });

  it('out of range', () => {
    expect(
      problem(() => loadConfig({ file: file('range.yaml', 'api:\n  port: 70000\n'), env: {} })),
    ).toMatch(/api\.port: got 70000 .*expected value <= 65535/);
  });

  it('not one of the allowed values', () => {
    expect(
      problem(() => loadConfig({ file: file('enum.yaml', 'log:\n  level: loud\n'), env: {} })),
    ).toMatch(/log\.level: got "loud" .*expected one of "fatal"/);
  });

  it('unknown keys are refused by name', () => {
    expect(
      problem(() => loadConfig({ file: file('unknown.yaml', 'api:\n  prot: 80\n'), env: {} })),
    ).toMatch(/api\.prot: unknown setting/);
  });

  it('a bad environment value names the variable', () => {
    expect(problem(() => loadConfig({ env: { HOTLINE_API_PORT: 'abc' } }))).toMatch(
      /api\.port: got "abc" \(HOTLINE_API_PORT\); expected number/,
    );
  });

  it('an environment variable that names no setting is refused', () => {
    expect(problem(() => loadConfig({ env: { HOTLINE_API_PROT: '1' } }))).toMatch(
      /HOTLINE_API_PROT names no setting/,
    );
  });

  it('secrets are never echoed in errors', () => {
    const msg = problem(() => loadConfig({ env: { HOTLINE_MEDIA_SERVERS_0_PASSWORD: 'short' } }));
    expect(msg).toContain('mediaServers.0.password: got a value');
    expect(msg).not.toContain('short"');
  });

  it('invalid URLs and regular expressions', () => {
    expect(problem(() => loadConfig({ env: { HOTLINE_REDIS_URL: 'http://x' } }))).toMatch(
      /redis\.url/,
    );
    expect(problem(() => loadConfig({ env: { HOTLINE_NUMBERS_PATTERN: '(' } }))).toMatch(
      /numbers\.pattern: got "\(" .*valid regular expression/,
    );
  });

  it('duplicate media-server ids', () => {
    const yaml = 'mediaServers:\n  - { id: a, kind: asterisk }\n  - { id: a, kind: asterisk }\n';
    expect(problem(() => loadConfig({ file: file('ids.yaml', yaml), env: {} }))).toMatch(
      /media server ids must be unique/,
    );
  });
});
