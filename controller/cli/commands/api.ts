import { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import { HotlineError } from '../../../lib/errors.js';
import { hasControl, NO_CONTROL, printable, terminalJson } from '../../../lib/text.js';
import { ApiKeyStore } from '../../http/auth/api-keys.js';
import { ROLES, type Role } from '../../http/auth/principal.js';
import { loadSecret } from '../../http/auth/secret-file.js';
import { TokenSigner } from '../../http/auth/tokens.js';
import { configFrom } from '../config-option.js';

async function withKeys<T>(config: Config, fn: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(new ApiKeyStore(redis, config.redis.keyPrefix));
  } finally {
    redis.disconnect();
  }
}

function role(r: string): Role {
  if (!(ROLES as readonly string[]).includes(r))
    throw new HotlineError('CONFIG_INVALID', `--role must be one of ${ROLES.join(', ')}`);
  return r as Role;
}

/** `hotline api key create`: prints the key once (only its hash is kept). */
export async function apiKeyCreateCommand(opts: {
  config?: string;
  role: string;
  agent?: string;
  name?: string;
}): Promise<void> {
  const { config } = configFrom(opts);
  const r = role(opts.role);
  if (r === 'agent' && !opts.agent)
    throw new HotlineError('CONFIG_INVALID', 'an agent key needs --agent ID');
  if (
    opts.name !== undefined &&
    (opts.name === '' || opts.name.length > 100 || hasControl(opts.name))
  )
    throw new HotlineError('CONFIG_INVALID', `--name: 1 to 100 characters, ${NO_CONTROL}`);
  const { key, info } = await withKeys(config, (keys) =>
    keys.create({ name: opts.name ?? `${r} key`, role: r, agentId: opts.agent }),
  );
  process.stderr.write(
    `key ${info.id} (${info.role}${info.agentId ? ` ${info.agentId}` : ''}) created; it is shown once:\n`,
  );
  process.stdout.write(`${key}\n`);
}

export async function apiKeyListCommand(opts: { config?: string; json?: boolean }): Promise<void> {
  const { config } = configFrom(opts);
  const list = await withKeys(config, (keys) => keys.list());
  if (opts.json) return void process.stdout.write(`${terminalJson(list)}\n`);
  for (const k of list)
    process.stdout.write(
      `${k.id}  ${k.role.padEnd(10)} ${(k.agentId ?? '-').padEnd(8)} ${k.createdAt.slice(0, 19)}  ${k.revokedAt ? `revoked ${k.revokedAt.slice(0, 19)}` : 'active'}  ${printable(k.name)}\n`,
    );
}

export async function apiKeyRevokeCommand(id: string, opts: { config?: string }): Promise<void> {
  const { config } = configFrom(opts);
  if (!(await withKeys(config, (keys) => keys.revoke(id))))
    throw new HotlineError('CONFIG_INVALID', `no key ${id}`);
  process.stdout.write(`key ${id} revoked\n`);
}

/** `hotline api token`: a bearer token signed with this machine's token secret. */
export async function apiTokenCommand(opts: {
  config?: string;
  role: string;
  agent?: string;
  ttl?: string;
}): Promise<void> {
  const { config } = configFrom(opts);
  const r = role(opts.role);
  if (r === 'agent' && !opts.agent)
    throw new HotlineError('CONFIG_INVALID', 'an agent token needs --agent ID');
  const signer = new TokenSigner(await loadSecret(config.api.tokenSecretFile));
  const { token, expiresAt } = signer.issue(
    {
      sub: `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'unknown'}`,
      role: r,
      agentId: opts.agent,
    },
    Number(opts.ttl ?? 3600),
  );
  process.stderr.write(`expires ${expiresAt}\n`);
  process.stdout.write(`${token}\n`);
}
