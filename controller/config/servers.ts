import { HotlineError } from '../../lib/errors.js';
import type { AsteriskServerConfig, Config } from './schema.js';

/** The first Asterisk among the media servers: the one the bundled lab runs. */
export function labAsterisk(config: Pick<Config, 'mediaServers'>): AsteriskServerConfig {
  const server = config.mediaServers.find((s): s is AsteriskServerConfig => s.kind === 'asterisk');
  if (!server)
    throw new HotlineError(
      'CONFIG_INVALID',
      'the lab needs an Asterisk media server in mediaServers',
    );
  return server;
}
