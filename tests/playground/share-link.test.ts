/** The playground's share link: a state survives the round trip, and every kind of bad link gets a message, never an exception. */
import {deflateRawSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {MAX_STATE_BYTES, decodeShare, encodeShare, shareTokenOf, type PlaygroundState} from '../../src/components/Playground/share';

const edited: PlaygroundState = {
  lab: 'deathstar',
  step: 'cilium-l7',
  datapath: 'kubernetes',
  // Non-ASCII on purpose: the link must keep every character of a comment.
  policies: '# Règle — only the landing request\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n',
  probes: [
    {from: 'xwing', kind: 'http', to: {service: 'star-wars/deathstar'}, port: 80, method: 'POST', path: '/v1/request-landing?x=1'},
    {from: 'tiefighter', kind: 'icmp', to: {pod: 'star-wars/xwing'}},
  ],
};

/** A token made by hand from JSON, the way the format is documented: `1.` + base64url(deflate-raw(JSON)). */
function handMade(json: string, version = '1'): string {
  return `${version}.${deflateRawSync(Buffer.from(json)).toString('base64url')}`;
}

describe('share link', () => {
  it('round-trips a state with edited policies, extra probes and the datapath', async () => {
    const token = await encodeShare(edited);
    expect(token).toMatch(/^1\.[A-Za-z0-9_-]+$/);
    expect(await decodeShare(token)).toEqual({ok: true, state: edited});
  });

  it('leaves the policies out when they are not edited, and reads a token made by another DEFLATE implementation', async () => {
    const plain: PlaygroundState = {lab: 'netpol-basics', step: 'db-allow-frontend', datapath: 'cilium', probes: []};
    expect(await decodeShare(await encodeShare(plain))).toEqual({ok: true, state: plain});
    expect(await decodeShare(handMade(JSON.stringify(plain)))).toEqual({ok: true, state: plain});
  });

  it('says a truncated link is damaged or cut short', async () => {
    const token = await encodeShare(edited);
    for (const cut of [token.slice(0, -12), token.slice(0, 5), token.slice(0, 2)]) {
      const decoded = await decodeShare(cut);
      expect(decoded.ok, cut).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(/damaged or cut short/);
    }
  });

  it('says what is wrong with other bad links', async () => {
    const cases: [string, RegExp][] = [
      ['', /damaged or cut short/],
      ['nonsense', /damaged or cut short/],
      ['1.not base64!', /damaged or cut short/],
      [handMade('{"lab":"deathstar"}', '2'), /share format 2, but this site reads format 1/],
      [handMade('this is not JSON'), /damaged or cut short/],
      [handMade('{"lab":"deathstar","step":"l3","datapath":"calico","probes":[]}'), /not a playground state \(datapath: /],
      [handMade('{"lab":"deathstar","step":"l3","datapath":"cilium","probes":[{"from":"xwing","kind":"smtp","to":{"host":"a"}}]}'), /not a playground state \(probes\.0\.kind: /],
      [handMade('{"lab":"deathstar","step":"l3","datapath":"cilium","probes":[],"extra":1}'), /not a playground state/],
    ];
    for (const [token, message] of cases) {
      const decoded = await decodeShare(token);
      expect(decoded.ok, token).toBe(false);
      if (!decoded.ok) expect(decoded.message, token).toMatch(message);
    }
  });

  it('refuses a link that inflates beyond the limit without reading all of it', async () => {
    const bomb = `1.${deflateRawSync(Buffer.alloc(MAX_STATE_BYTES * 8, 32)).toString('base64url')}`;
    const decoded = await decodeShare(bomb);
    expect(decoded).toEqual({ok: false, message: `the link unpacks to more than ${MAX_STATE_BYTES / 1024} KB, more than a playground state can be`});
  });

  it('finds the token in the URL fragment', () => {
    expect(shareTokenOf('#share=1.abc_-')).toBe('1.abc_-');
    expect(shareTokenOf('#other=1')).toBeUndefined();
    expect(shareTokenOf('')).toBeUndefined();
  });
});
