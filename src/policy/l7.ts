/**
 * HTTP rule matching as Envoy does it for Cilium (C-XDS getHTTPRule, C-ENVOY l7policy.cc):
 * method, path and host are RE2 regular expressions that must match the whole header value;
 * every field a rule gives must match; rules are alternatives.
 */
import {RE2JS} from 're2js';
import type {HttpRequest, HttpRule} from './types';

/** The proxy's answer to a refused request: `denied_403_body` "Access denied" plus "\r\n" (C-ENVOY). */
export const ACCESS_DENIED = {status: 403, body: 'Access denied\r\n'} as const;

const cache = new Map<string, RE2JS>();

function re(pattern: string): RE2JS {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** A request with its defaults filled in (method GET, path /). */
export interface EffectiveRequest {
  method: string;
  path: string;
  host: string;
  headers: Record<string, string>;
}

/** Fills request defaults; `defaultHost` is what curl would send as Host for the dialled target. */
export function effectiveRequest(http: HttpRequest, defaultHost: string): EffectiveRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(http.headers ?? {})) headers[k.toLowerCase()] = v;
  return {method: http.method ?? 'GET', path: http.path ?? '/', host: http.host ?? headers.host ?? defaultHost, headers};
}

/**
 * Whether one rule allows the request. The path is matched against the full `:path`, query string
 * included [inferred: Envoy's :path pseudo-header carries the query; to verify on a cluster].
 */
export function httpRuleAllows(rule: HttpRule, req: EffectiveRequest): boolean {
  if (rule.method !== undefined && !re(rule.method).matches(req.method)) return false;
  if (rule.path !== undefined && !re(rule.path).matches(req.path)) return false;
  if (rule.host !== undefined && !re(rule.host).matches(req.host)) return false;
  for (const h of rule.headers) {
    const v = req.headers[h.name.toLowerCase()];
    if (v === undefined || (h.value !== undefined && v !== h.value)) return false;
  }
  for (const h of rule.headerMatches) {
    // mismatch LOG/ADD/DELETE/REPLACE lets the request through (C-ENVOY HeaderMatch::allowed).
    if (h.mismatch) continue;
    const v = req.headers[h.name.toLowerCase()];
    if (v === undefined || (h.value !== undefined && v !== h.value)) return false;
  }
  return true;
}

/** `GET /v1 (host deathstar...)` for explanations. */
export function describeRequest(req: EffectiveRequest): string {
  return `${req.method} ${req.path}`;
}
