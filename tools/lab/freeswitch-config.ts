import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  freeswitchServerSchema,
  type FreeswitchServerConfig,
} from '../../controller/config/schema.js';
import { HotlineError } from '../../lib/errors.js';
import { ensureFreeswitchMedia } from './freeswitch-media.js';
import type { FreeswitchLabPaths } from './paths.js';

/**
 * The FreeSWITCH lab on loopback, beside the Asterisk lab (SIP 5060, RTP 10000-20000, agents'
 * phones 127.0.0.2:5080, SIPp media 40000+): its own SIP ports and RTP range, so both run at once.
 */
export const LAB_FREESWITCH = {
  eslHost: '127.0.0.1',
  eslPort: 8021,
  /** dialplan/freeswitch/autoload_configs/event_socket.conf.xml's (public) password. */
  eslPassword: 'hotline-esl-secret',
  /** The carrier trunk (dialplan/freeswitch/sip_profiles/trunk.xml). */
  trunkPort: 5090,
  /** The stock internal profile, where agents' phones would register. */
  internalPort: 5072,
  rtpStart: 21_000,
  rtpEnd: 29_999,
  /** The directory domain: agents are `user/1001@hotline`. */
  domain: 'hotline',
  /** Where FreeSWITCH writes the hotline's recordings, inside the root. */
  recordingsInside: '/var/lib/freeswitch/recordings/hotline',
  promptsInside: '/var/lib/hotline/prompts',
} as const;

const etcOf = (paths: FreeswitchLabPaths): string =>
  join(paths.root, paths.prefix.slice(1), 'etc', 'freeswitch');
const soundsInside = (paths: FreeswitchLabPaths): string =>
  `${paths.prefix}/share/freeswitch/sounds`;

/** The lab FreeSWITCH as a media server of the controller (the folders as this machine sees them). */
export function labFreeswitchServer(
  paths: FreeswitchLabPaths,
  overrides: Partial<FreeswitchServerConfig> = {},
): FreeswitchServerConfig {
  return freeswitchServerSchema.parse({
    id: 'freeswitch-lab',
    kind: 'freeswitch',
    host: LAB_FREESWITCH.eslHost,
    port: LAB_FREESWITCH.eslPort,
    password: LAB_FREESWITCH.eslPassword,
    promptDir: LAB_FREESWITCH.promptsInside,
    soundsDir: `${soundsInside(paths)}/hotline`,
    serverRecordingsDir: LAB_FREESWITCH.recordingsInside,
    recordingsDir: join(paths.root, LAB_FREESWITCH.recordingsInside),
    ...overrides,
  });
}

/**
 * Installs dialplan/freeswitch into the root the way its README tells users, on a fresh copy of
 * the stock configuration every start (so the root always runs the checkout's files), then the
 * lab's own settings: everything on loopback, no STUN, ports apart from Asterisk's.
 */
export async function installFreeswitchConfig(
  paths: FreeswitchLabPaths,
  opts: { seedPrompts?: string | undefined } = {},
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<void> {
  const conf = etcOf(paths);
  const stock = `${conf}.stock`;
  // The first start after a build or restore keeps the untouched configuration make install wrote.
  if (!existsSync(stock)) {
    if (!existsSync(join(conf, 'vars.xml')))
      throw new HotlineError('LAB_FAILED', `no FreeSWITCH configuration at ${conf}`);
    await cp(conf, stock, { recursive: true });
  }
  await rm(conf, { recursive: true, force: true });
  await cp(stock, conf, { recursive: true });
  await installProjectFiles(paths.config, conf);
  await labSettings(conf);
  await mkdir(join(paths.root, LAB_FREESWITCH.recordingsInside.slice(1)), { recursive: true });
  await ensureFreeswitchMedia(
    {
      prompts: join(paths.root, LAB_FREESWITCH.promptsInside.slice(1)),
      sounds: join(paths.root, soundsInside(paths).slice(1), 'hotline'),
      seedPrompts: opts.seedPrompts,
    },
    log,
  );
}

/** dialplan/freeswitch/README.md, "Installing", steps 1, 2, 5 and 6. */
async function installProjectFiles(src: string, conf: string): Promise<void> {
  // 1. Copy the files.
  for (const f of await readdir(join(src, 'autoload_configs'))) {
    if (f.endsWith('.xml'))
      await cp(join(src, 'autoload_configs', f), join(conf, 'autoload_configs', f));
  }
  await cp(join(src, 'sip_profiles', 'trunk.xml'), join(conf, 'sip_profiles', 'trunk.xml'));
  await mkdir(join(conf, 'sip_profiles', 'trunk'), { recursive: true });
  await cp(
    join(src, 'sip_profiles', 'trunk', 'carrier.xml'),
    join(conf, 'sip_profiles', 'trunk', 'carrier.xml'),
  );
  await cp(
    join(src, 'dialplan', 'public', '00_hotline_400.xml'),
    join(conf, 'dialplan', 'public', '00_hotline_400.xml'),
  );
  await cp(
    join(src, 'directory', 'default', 'agents.xml'),
    join(conf, 'directory', 'default', 'agents.xml'),
  );
  await cp(join(src, 'hotline_vars.xml'), join(conf, 'hotline_vars.xml'));
  // 2. Include hotline_vars.xml from vars.xml, after the line that sets domain.
  await edit(join(conf, 'vars.xml'), (text) =>
    replaceOnce(
      text,
      /^(.*cmd="set" data="domain=[^"]*"\/>.*)$/m,
      '$1\n  <X-PRE-PROCESS cmd="include" data="hotline_vars.xml"/>',
      'the domain line',
    ),
  );
  // 5. Close the stock public context to the carrier: no transfers into default ahead of ours.
  await edit(join(conf, 'dialplan', 'public.xml'), (text) =>
    ['public_extensions', 'public_conference_extensions'].reduce(
      (t, name) =>
        replaceOnce(
          t,
          new RegExp(`\\s*<extension name="${name}">[\\s\\S]*?</extension>`),
          '',
          name,
        ),
      text,
    ),
  );
  // 6. The stock demo users share one published password, and 1001-1004 clash with ours.
  for (let id = 1000; id <= 1019; id++)
    await rm(join(conf, 'directory', 'default', `${id}.xml`), { force: true });
}

/** What only the lab changes: loopback addresses, no STUN, its ports, and the carrier is loopback. */
async function labSettings(conf: string): Promise<void> {
  await edit(join(conf, 'vars.xml'), (text) => {
    // A stun-set line asks stun.freeswitch.org at every start; the lab has no network beyond loopback.
    let t = text.replace(
      /<X-PRE-PROCESS cmd="stun-set" data="(\w+)=[^"]*"\/>/g,
      '<X-PRE-PROCESS cmd="set" data="$1=127.0.0.1"/>',
    );
    // Every profile binds $${local_ip_v4}: the loopback address, before anything uses it.
    t = replaceOnce(
      t,
      /<include>/,
      '<include>\n  <X-PRE-PROCESS cmd="set" data="local_ip_v4=127.0.0.1"/>',
      'the include element',
    );
    t = replaceOnce(
      t,
      /data="domain=[^"]*"/,
      `data="domain=${LAB_FREESWITCH.domain}"`,
      'the domain',
    );
    // While it is the stock 1234, every call into the default context (the lab's answering
    // endpoint, loopback/9196/default) first sleeps 10 s under a warning.
    t = replaceOnce(
      t,
      /data="default_password=1234"/,
      'data="default_password=hotline-lab-unused"',
      'default_password',
    );
    t = replaceOnce(
      t,
      /data="internal_sip_port=\d+"/,
      `data="internal_sip_port=${LAB_FREESWITCH.internalPort}"`,
      'internal_sip_port',
    );
    t = replaceOnce(
      t,
      /data="internal_tls_port=\d+"/,
      `data="internal_tls_port=${LAB_FREESWITCH.internalPort + 1}"`,
      'internal_tls_port',
    );
    return t;
  });
  // Only the trunk and the internal profile: the stock external profiles would take 5080.
  for (const f of [
    'external.xml',
    'external-ipv6.xml',
    'internal-ipv6.xml',
    'external',
    'external-ipv6',
  ]) {
    await rm(join(conf, 'sip_profiles', f), { recursive: true, force: true });
  }
  // The lab's carrier is SIPp on loopback.
  await edit(join(conf, 'sip_profiles', 'trunk.xml'), (text) =>
    replaceOnce(
      text,
      /name="apply-inbound-acl" value="[^"]*"/,
      'name="apply-inbound-acl" value="127.0.0.0/8"',
      'the trunk ACL',
    ),
  );
  // Its gateway points at a loopback port nobody listens on: its OPTIONS pings must not reach the Asterisk lab's 5060.
  await edit(join(conf, 'sip_profiles', 'trunk', 'carrier.xml'), (text) =>
    text.replace(/192\.0\.2\.10:5060/g, '127.0.0.1:5099').replace(/192\.0\.2\.10/g, '127.0.0.1'),
  );
  await edit(join(conf, 'autoload_configs', 'switch.conf.xml'), (text) =>
    replaceOnce(
      text,
      /<settings>/,
      `<settings>\n    <param name="rtp-start-port" value="${LAB_FREESWITCH.rtpStart}"/>\n    <param name="rtp-end-port" value="${LAB_FREESWITCH.rtpEnd}"/>`,
      'the settings element',
    ),
  );
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

/** A stock file that no longer has what we change is a FreeSWITCH this lab does not know: say so. */
function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text))
    throw new HotlineError(
      'LAB_FAILED',
      `FreeSWITCH configuration: ${what} not found where expected`,
    );
  return text.replace(pattern, replacement);
}
