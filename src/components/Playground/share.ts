/**
 * The playground's whole state (lab, step, edited policies, extra probes, datapath) as one value,
 * its check, and its share link: `#share=1.<DEFLATE, base64url>` in the URL fragment, which the
 * browser never sends to a server. Compression is the platform's CompressionStream
 * ('deflate-raw', https://compression.spec.whatwg.org/), in browsers and in Node alike. Pure
 * apart from that, for the unit tests.
 */
import {z} from 'zod';
import type {Datapath} from '@site/src/policy';
import {EXTRA_PROBE_KINDS, HTTP_METHODS, type ExtraProbe} from './extraProbes';

/** Everything that decides what the playground shows. */
export interface PlaygroundState {
  lab: string;
  step: string;
  datapath: Datapath;
  /** The editor's text when it differs from the step's policy files; absent when unedited. */
  policies?: string;
  /** Probes the learner added, in order. */
  probes: ExtraProbe[];
}

/** The share format's version, the part of the token before the dot. */
export const SHARE_VERSION = 1;
/** The fragment parameter that carries the state: `#share=<token>`. */
export const SHARE_PARAM = 'share';
/**
 * The largest state a link may unpack to. A policy file is a few KB; the limit only stops a
 * crafted link that inflates to gigabytes from freezing the tab.
 */
export const MAX_STATE_BYTES = 512 * 1024;

const extraProbeSchema = z.strictObject({
  from: z.string().min(1),
  kind: z.enum(EXTRA_PROBE_KINDS),
  to: z.union([z.strictObject({service: z.string().min(1)}), z.strictObject({pod: z.string().min(1)}), z.strictObject({host: z.string().min(1)})]),
  port: z.number().int().min(1).max(65535).optional(),
  method: z.enum(HTTP_METHODS).optional(),
  path: z.string().optional(),
});

const stateSchema = z.strictObject({
  lab: z.string().min(1),
  step: z.string().min(1),
  datapath: z.enum(['cilium', 'kubernetes']),
  policies: z.string().max(MAX_STATE_BYTES).optional(),
  probes: z.array(extraProbeSchema).max(100),
});

/** A state from parsed JSON, or why it is not one (the first problem, with where it is). */
export function readPlaygroundState(json: unknown): {ok: true; state: PlaygroundState} | {ok: false; message: string} {
  const parsed = stateSchema.safeParse(json);
  if (parsed.success) return {ok: true, state: parsed.data};
  const issue = parsed.error.issues[0];
  return {ok: false, message: `${issue.path.length > 0 ? issue.path.join('.') : 'the state'}: ${issue.message}`};
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates at most `limit` bytes; undefined when the data is not DEFLATE, is cut short, or is larger. */
async function inflate(bytes: Uint8Array, limit: number): Promise<{text: string} | {error: 'corrupt' | 'too-large'}> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return {error: 'too-large'};
      }
      chunks.push(value);
    }
  } catch {
    // A truncated or altered stream: DecompressionStream rejects ("incomplete" or "invalid" data).
    return {error: 'corrupt'};
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  try {
    return {text: new TextDecoder('utf-8', {fatal: true}).decode(all)};
  } catch {
    return {error: 'corrupt'};
  }
}

/** The share token of a state: `1.<base64url of the DEFLATE of its JSON>`. */
export async function encodeShare(state: PlaygroundState): Promise<string> {
  const json = JSON.stringify({lab: state.lab, step: state.step, datapath: state.datapath, ...(state.policies !== undefined ? {policies: state.policies} : {}), probes: state.probes});
  return `${SHARE_VERSION}.${toBase64Url(await deflate(json))}`;
}

/** The result of reading a share token. */
export type DecodedShare = {ok: true; state: PlaygroundState} | {ok: false; message: string};

const DAMAGED = 'the link is damaged or cut short (it may have been truncated when copied); copy the whole link again';

/** Reads a share token back; never throws: a bad token gives a message that says what is wrong. */
export async function decodeShare(token: string): Promise<DecodedShare> {
  const dot = token.indexOf('.');
  const version = dot < 0 ? '' : token.slice(0, dot);
  if (version !== String(SHARE_VERSION)) {
    return {ok: false, message: dot < 0 || !/^\d+$/.test(version) ? DAMAGED : `the link is in share format ${version}, but this site reads format ${SHARE_VERSION}`};
  }
  const bytes = fromBase64Url(token.slice(dot + 1));
  if (!bytes || bytes.length === 0) return {ok: false, message: DAMAGED};
  const inflated = await inflate(bytes, MAX_STATE_BYTES);
  if ('error' in inflated) return {ok: false, message: inflated.error === 'too-large' ? `the link unpacks to more than ${MAX_STATE_BYTES / 1024} KB, more than a playground state can be` : DAMAGED};
  let json: unknown;
  try {
    json = JSON.parse(inflated.text);
  } catch {
    return {ok: false, message: DAMAGED};
  }
  const read = readPlaygroundState(json);
  return read.ok ? read : {ok: false, message: `the link's content is not a playground state (${read.message})`};
}

/** The share token in a URL fragment (`#share=...`), if any. */
export function shareTokenOf(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_PARAM) ?? undefined;
}
