import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The FreeSWITCH configuration in this folder cannot be loaded by a real FreeSWITCH here, so this
 * is its lint: every file is well-formed XML (checked by the small parser below, no dependency),
 * nothing in a comment would be run by FreeSWITCH's preprocessor, and the settings the controller
 * relies on are what it expects.
 */

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  line: number;
}

interface XmlDocument {
  root: XmlElement;
  comments: string[];
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ATTRIBUTE = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A well-formedness checker for the XML these files use: elements, attributes, text, comments,
 * CDATA, processing instructions and an optional declaration. It throws, with the line, on what
 * an XML parser must refuse: unclosed or crossed tags, more than one root, unquoted or repeated
 * attributes, `<` in an attribute value, a bare `&` or an unknown entity, `--` inside a comment,
 * `]]>` in text, control characters. DOCTYPE (and so any entity but the five predefined ones) is
 * refused too: FreeSWITCH files never have one. Names are ASCII only, which these files are.
 */
function parseXml(text: string): XmlDocument {
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  const comments: string[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  function lineAt(at: number): number {
    return text.slice(0, at).split('\n').length;
  }
  function fail(message: string, at = pos): never {
    throw new Error(`line ${lineAt(at)}: ${message}`);
  }
  /** Replaces entity and character references; `inText` adds the rule against `]]>`. */
  function decode(raw: string, at: number, inText: boolean): string {
    if (inText && raw.includes(']]>')) fail('"]]>" in text', at);
    return raw.replace(/&([^;&\s<]*);?/g, (ref: string, body: string) => {
      if (!ref.endsWith(';')) fail(`bare "&" (write &amp;): ${JSON.stringify(ref)}`, at);
      const predefined = PREDEFINED[body];
      if (predefined !== undefined) return predefined;
      const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
      if (!numeric) fail(`unknown entity &${body};`, at);
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      const isChar =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0x10ffff && code !== 0xfffe && code !== 0xffff);
      if (!isChar) fail(`character reference &${body}; is not an XML character`, at);
      return String.fromCodePoint(code);
    });
  }

  // eslint-disable-next-line no-control-regex -- looking for exactly these characters
  const badChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(text);
  if (badChar)
    fail(
      `control character U+${badChar[0].charCodeAt(0).toString(16).padStart(4, '0')}`,
      badChar.index,
    );

  if (text.startsWith('<?xml', pos) && /\s/.test(text.charAt(pos + 5))) {
    const end = text.indexOf('?>', pos);
    if (end < 0) fail('unterminated XML declaration');
    const decl = text.slice(pos + 5, end);
    if (
      !/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        decl,
      )
    ) {
      fail('malformed XML declaration');
    }
    pos = end + 2;
  }

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = text.slice(pos, lt < 0 ? text.length : lt);
    if (stack.length === 0) {
      if (chunk.trim() !== '') fail('text outside the root element');
    } else {
      decode(chunk, pos, true);
    }
    if (lt < 0) break;
    pos = lt;

    if (text.startsWith('<!--', pos)) {
      const end = text.indexOf('-->', pos + 4);
      if (end < 0) fail('unterminated comment');
      const body = text.slice(pos + 4, end);
      if (body.includes('--') || body.endsWith('-')) fail('"--" inside a comment');
      comments.push(body);
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = text.indexOf(']]>', pos);
      if (end < 0) fail('unterminated CDATA section');
      pos = end + 3;
    } else if (text.startsWith('<!', pos)) {
      fail('DOCTYPE and other declarations are not allowed here');
    } else if (text.startsWith('<?', pos)) {
      const target = NAME.exec(text.slice(pos + 2));
      if (!target) fail('processing instruction without a target');
      if (target[0].toLowerCase() === 'xml') fail('XML declaration not at the very start');
      const end = text.indexOf('?>', pos);
      if (end < 0) fail('unterminated processing instruction');
      pos = end + 2;
    } else if (text.startsWith('</', pos)) {
      const m = /^<\/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*>/.exec(text.slice(pos));
      if (!m) fail('malformed end tag');
      const name = m[1] ?? '';
      const open = stack.pop();
      if (!open) fail(`end tag </${name}> with nothing open`);
      if (open.name !== name) fail(`end tag </${name}> closes <${open.name}> (line ${open.line})`);
      pos += m[0].length;
    } else {
      const start = pos;
      const name = NAME.exec(text.slice(pos + 1));
      if (!name) fail('"<" that starts no tag (write &lt;)');
      const element: XmlElement = { name: name[0], attrs: {}, children: [], line: lineAt(start) };
      pos += 1 + element.name.length;
      for (;;) {
        const space = /^\s*/.exec(text.slice(pos))?.[0].length ?? 0;
        pos += space;
        if (text.startsWith('/>', pos) || text.startsWith('>', pos)) break;
        if (pos >= text.length) fail(`unterminated start tag <${element.name}>`, start);
        if (space === 0) fail(`attributes of <${element.name}> must be separated by white space`);
        const attr = ATTRIBUTE.exec(text.slice(pos));
        if (!attr) fail(`malformed attribute in <${element.name}> (unquoted value?)`);
        const [whole, key = '', dq, sq] = attr;
        const raw = dq ?? sq ?? '';
        if (raw.includes('<')) fail(`"<" in the value of ${key}`);
        if (Object.hasOwn(element.attrs, key))
          fail(`attribute ${key} repeated in <${element.name}>`);
        element.attrs[key] = decode(raw, pos, false);
        pos += whole.length;
      }
      const selfClosing = text.startsWith('/>', pos);
      pos += selfClosing ? 2 : 1;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element', start);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  const open = stack.pop();
  if (open) fail(`<${open.name}> (line ${open.line}) is never closed`);
  if (!root) fail('no root element');
  return { root, comments };
}

const here = import.meta.dirname;

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? xmlFiles(join(dir, entry.name))
        : entry.name.endsWith('.xml')
          ? [join(dir, entry.name)]
          : [],
    )
    .sort();
}

function load(path: string): XmlDocument {
  return parseXml(readFileSync(join(here, path), 'utf8'));
}

function all(element: XmlElement, name: string): XmlElement[] {
  return [
    ...(element.name === name ? [element] : []),
    ...element.children.flatMap((child) => all(child, name)),
  ];
}

function one(element: XmlElement, name: string, attr: string, value: string): XmlElement {
  const found = all(element, name).filter((e) => e.attrs[attr] === value);
  expect(found, `<${name} ${attr}="${value}">`).toHaveLength(1);
  return found[0] as XmlElement;
}

/** `<param name="…" value="…"/>` children (direct or nested) as a map; repeated names fail. */
function params(element: XmlElement, tag = 'param'): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of all(element, tag)) {
    const name = p.attrs.name ?? '';
    expect(map.has(name), `${tag} ${name} set twice`).toBe(false);
    map.set(name, p.attrs.value ?? '');
  }
  return map;
}

describe('the XML checker', () => {
  it('takes well-formed XML and reads elements, attributes, entities and comments', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="utf-8"?>\n<!-- a > b -->\n<a x="1 &amp; 2" ' +
        "y='&#x41;&lt;'><b/><![CDATA[ <raw> & ]]>t&gt;<?pi data?></a>\n<!-- after -->\n",
    );
    expect(doc.root).toMatchObject({
      name: 'a',
      attrs: { x: '1 & 2', y: 'A<' },
      children: [{ name: 'b' }],
    });
    expect(doc.comments).toEqual([' a > b ', ' after ']);
  });

  it.each([
    ['an unclosed element', '<a><b></a>', /closes <b>/],
    ['crossed tags', '<a><b></a></b>', /closes <b>/],
    ['a never-closed root', '<a>', /never closed/],
    ['two roots', '<a/><b/>', /second root/],
    ['text outside the root', 'x<a/>', /outside the root/],
    ['an unquoted attribute', '<a x=1/>', /unquoted/],
    ['a repeated attribute', '<a x="1" x="2"/>', /repeated/],
    ['attributes run together', '<a x="1"y="2"/>', /separated/],
    ['"<" in an attribute', '<a x="<"/>', /"<" in the value/],
    ['a bare ampersand', '<a>fish & chips</a>', /bare "&"/],
    ['an unknown entity', '<a>&nbsp;</a>', /unknown entity/],
    ['"--" in a comment', '<a><!-- x -- y --></a>', /inside a comment/],
    ['a comment ending in "-"', '<a><!-- x ---></a>', /inside a comment/],
    ['"]]>" in text', '<a>]]></a>', /"\]\]>"/],
    ['a stray "<"', '<a>1 < 2</a>', /starts no tag/],
    ['a late declaration', '<a/><?xml version="1.0"?>', /not at the very start/],
    ['a DOCTYPE', '<!DOCTYPE a><a/>', /DOCTYPE/],
    ['a control character', '<a>\u0001</a>', /control character/],
    ['nothing at all', '<!-- only a comment -->', /no root/],
  ])('refuses %s', (_what, xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe('FreeSWITCH configuration files', () => {
  const files = xmlFiles(here).map((path) => relative(here, path));

  it('are all there', () => {
    expect(files).toEqual([
      'autoload_configs/conference.conf.xml',
      'autoload_configs/event_socket.conf.xml',
      'autoload_configs/local_stream.conf.xml',
      'autoload_configs/modules.conf.xml',
      'dialplan/public/00_hotline_400.xml',
      'directory/default/agents.xml',
      'hotline_vars.xml',
      'sip_profiles/trunk.xml',
      'sip_profiles/trunk/carrier.xml',
    ]);
  });

  it.each(files)('%s is well-formed XML, with no preprocessor instruction in a comment', (path) => {
    const doc = load(path);
    for (const comment of doc.comments) {
      // FreeSWITCH's preprocessor runs X-PRE-PROCESS lines even inside comments, and comments
      // that begin with # are its own commands (#include, #set): neither may appear by accident.
      expect(comment, `comment in ${path}`).not.toMatch(/X-PRE-PROCESS/i);
      expect(comment, `comment in ${path}`).not.toMatch(/^#/);
    }
  });

  it('event socket: 127.0.0.1:8021 only, loopback ACL, a password that is not the stock one', () => {
    const { root } = load('autoload_configs/event_socket.conf.xml');
    expect(root.attrs.name).toBe('event_socket.conf');
    const p = params(root);
    expect(p.get('listen-ip')).toBe('127.0.0.1');
    expect(p.get('listen-port')).toBe('8021');
    expect(p.get('apply-inbound-acl')).toBe('loopback.auto');
    const password = p.get('password') ?? '';
    expect(password.length).toBeGreaterThanOrEqual(8);
    expect(password).not.toBe('ClueCon');
  });

  it('dialplan: 400 numbers are marked and parked, anything else from the trunk is refused', () => {
    const { root } = load('dialplan/public/00_hotline_400.xml');
    expect(root.name).toBe('include');
    const hotline = one(root, 'extension', 'name', 'hotline_400');
    const condition = one(hotline, 'condition', 'field', 'destination_number');
    // FreeSWITCH matches with PCRE; for an expression this plain JavaScript's RegExp agrees.
    const expression = new RegExp(condition.attrs.expression ?? '(?!)');
    for (const number of ['4008001234', '4000000000', '4009999999'])
      expect(number, number).toMatch(expression);
    for (const number of [
      '13812345678',
      '01012345678',
      '400800123',
      '40080012345',
      '8004008001234',
      '4008OO1234',
      '',
    ]) {
      expect(number, number).not.toMatch(expression);
    }
    const actions = condition.children.map((a) =>
      `${a.attrs.application ?? ''} ${a.attrs.data ?? ''}`.trim(),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'set hotline=1',
        'set hangup_after_bridge=false',
        'set park_after_bridge=true',
        'set hangup_after_conference=false',
        'set continue_on_fail=true',
      ]),
    );
    expect(actions.at(-1)).toBe('park');
    expect(actions.some((a) => a.startsWith('answer'))).toBe(false);

    const refuse = one(root, 'extension', 'name', 'hotline_trunk_unknown_number');
    const [first] = refuse.children.flatMap((c) => c.children);
    expect(first?.attrs).toEqual({ application: 'respond', data: '404' });
    // The 400 extension comes first: the XML dialplan takes the first extension that matches.
    expect(root.children.indexOf(hotline)).toBeLessThan(root.children.indexOf(refuse));
  });

  it('conference: the hotline (mixing) and hotline-hold (holding, muted) profiles, silent, 8 kHz', () => {
    const { root } = load('autoload_configs/conference.conf.xml');
    expect(root.attrs.name).toBe('conference.conf');
    for (const name of ['hotline', 'hotline-hold']) {
      const p = params(one(root, 'profile', 'name', name));
      expect(p.get('rate'), name).toBe('8000');
      expect(p.get('interval'), name).toBe('20');
      expect(Number(p.get('energy-level')), name).toBeLessThanOrEqual(200);
      expect(p.get('comfort-noise'), name).toBe('false');
      expect(p.get('caller-controls'), name).toBe('none');
      const sounds = [...p.keys()].filter(
        (k) => k.endsWith('-sound') || k === 'sound-prefix' || k.startsWith('announce'),
      );
      expect(sounds, name).toEqual([]);
    }
    expect(params(one(root, 'profile', 'name', 'hotline-hold')).get('member-flags')).toBe('mute');
    expect(params(one(root, 'profile', 'name', 'hotline')).has('member-flags')).toBe(false);
  });

  it('music on hold: stream moh at 8 kHz from the hotline folder', () => {
    const { root } = load('autoload_configs/local_stream.conf.xml');
    expect(root.attrs.name).toBe('local_stream.conf');
    const moh = one(root, 'directory', 'name', 'moh');
    expect(moh.attrs.path).toBe('$${sounds_dir}/hotline/moh');
    expect(params(moh).get('rate')).toBe('8000');
  });

  it('modules: everything the controller uses is loaded', () => {
    const { root } = load('autoload_configs/modules.conf.xml');
    const loaded = all(root, 'load').map((l) => l.attrs.module);
    for (const module of [
      'mod_console',
      'mod_logfile',
      'mod_event_socket',
      'mod_sofia',
      'mod_loopback',
      'mod_commands',
      'mod_conference',
      'mod_dptools',
      'mod_dialplan_xml',
      'mod_sndfile',
      'mod_native_file',
      'mod_local_stream',
      'mod_tone_stream',
    ]) {
      expect(loaded, module).toContain(module);
    }
    expect(new Set(loaded).size).toBe(loaded.length);
  });

  it('trunk: profile on 5090 into context public, G.711, RFC 2833, carrier ACL without digest auth', () => {
    const { root } = load('sip_profiles/trunk.xml');
    expect(root).toMatchObject({ name: 'profile', attrs: { name: 'trunk' } });
    const settings = all(root, 'settings');
    expect(settings).toHaveLength(1);
    const p = params(settings[0] as XmlElement);
    expect(p.get('sip-port')).toBe('5090');
    expect(p.get('context')).toBe('public');
    expect(p.get('inbound-codec-prefs')).toBe('PCMA,PCMU');
    expect(p.get('dtmf-type')).toBe('rfc2833');
    expect(p.get('auth-calls')).toBe('false');
    expect(p.get('inbound-codec-negotiation')).toBe('generous');
    expect(p.get('apply-inbound-acl')).toMatch(
      /^\d+\.\d+\.\d+\.\d+\/\d+(,\d+\.\d+\.\d+\.\d+\/\d+)*$/,
    );
    const include = all(root, 'X-PRE-PROCESS');
    expect(include.map((i) => i.attrs)).toEqual([{ cmd: 'include', data: 'trunk/*.xml' }]);

    const gateway = one(load('sip_profiles/trunk/carrier.xml').root, 'gateway', 'name', 'carrier');
    expect(params(gateway).get('register')).toBe('false');
  });

  it('directory: agents 1001-1004 with a password and the default context', () => {
    const { root } = load('directory/default/agents.xml');
    const users = all(root, 'user');
    expect(users.map((u) => u.attrs.id)).toEqual(['1001', '1002', '1003', '1004']);
    for (const user of users) {
      expect(params(user).get('password')?.length, user.attrs.id).toBeGreaterThanOrEqual(8);
      const variables = params(user, 'variable');
      expect(variables.get('user_context'), user.attrs.id).toBe('default');
      expect(variables.get('effective_caller_id_number'), user.attrs.id).toBe(user.attrs.id);
    }
  });

  it('vars: hotline_prompt_dir is set for the preprocessor', () => {
    const { root } = load('hotline_vars.xml');
    expect(all(root, 'X-PRE-PROCESS').map((i) => i.attrs)).toEqual([
      { cmd: 'set', data: 'hotline_prompt_dir=/var/lib/hotline/prompts' },
    ]);
  });
});
