/**
 * The all-pairs matrix, bit-parallel: for each destination the set of admitted sources and for
 * each source the set of reachable destinations are ORs of the rules' precomputed peer sets, so a
 * verdict costs two bit tests. Pairs involving host-network pods (which carry node identities)
 * go through evaluateProbe, the reference path; tests check the two agree.
 */
import {bitset, fullBitset, hasBit, orInto, type Bitset} from './bitset';
import type {Model} from './compile';
import {evaluateProbe, l4Matches, type Traffic} from './evaluate';
import type {L4, L4Protocol, MatrixTotals} from './types';

/** Evaluates every ordered pair of distinct pods on each port. */
export function evaluateMatrix(model: Model, ports: {port: number; protocol?: L4Protocol}[], options: {cells?: boolean} = {}): MatrixTotals[] {
  return ports.map(({port, protocol = 'TCP'}) => matrixOnPort(model, port, protocol, options.cells ?? false));
}

function usesNamedPorts(l4: L4 | null): boolean {
  return l4 !== null && l4.ports.some((g) => g.ports.some((m) => m.name !== undefined));
}

function matrixOnPort(model: Model, port: number, protocol: L4Protocol, withCells: boolean): MatrixTotals {
  const pods = model.cluster.pods;
  const n = pods.length;
  const totals: MatrixTotals = {port, protocol, allowed: 0, dropped: 0, 'l7-denied': 0};
  const cells: NonNullable<MatrixTotals['cells']> = [];
  const never = model.datapath === 'cilium' && model.mode === 'never';
  const always = model.datapath === 'cilium' && model.mode === 'always';
  const base: Traffic = {protocol, port, icmpType: 0, family: 'IPv4'};
  const trafficTo = (d: number): Traffic => ({...base, dstNamedPorts: pods[d].namedPorts});

  // Per rule: which destinations its ports admit (named ports depend on the destination pod).
  const dstMask = new Map<number, Bitset | boolean>();
  const ruleDstMask = (ri: number): Bitset | boolean => {
    let m = dstMask.get(ri);
    if (m === undefined) {
      const l4 = model.rules[ri].rule.l4;
      if (!usesNamedPorts(l4)) m = l4Matches(l4, base);
      else {
        const b = bitset(n);
        for (let d = 0; d < n; d++) if (l4Matches(l4, trafficTo(d))) b[d >>> 5] |= 1 << (d & 31);
        m = b;
      }
      dstMask.set(ri, m);
    }
    return m;
  };

  const samePorts = new Map<number, boolean>();
  const inAllowed: Bitset[] = new Array(n);
  const outAllowed: Bitset[] = new Array(n);
  const all = fullBitset(n);
  for (let i = 0; i < n; i++) {
    if (never || pods[i].hostNetwork) {
      inAllowed[i] = all;
      outAllowed[i] = all;
      continue;
    }
    let toI: Traffic | undefined;
    inAllowed[i] = side(
      model.ingressRules[i],
      (ri) => {
        // Rules without named ports match the same on every destination: cached per rule.
        const l4 = model.rules[ri].rule.l4;
        if (usesNamedPorts(l4)) return l4Matches(l4, (toI ??= trafficTo(i)));
        let m = samePorts.get(ri);
        if (m === undefined) samePorts.set(ri, (m = l4Matches(l4, base)));
        return m;
      },
      undefined,
    );
    outAllowed[i] = side(model.egressRules[i], () => true, ruleDstMask);
  }

  function side(ids: number[], portOk: (ri: number) => boolean, mask: ((ri: number) => Bitset | boolean) | undefined): Bitset {
    if (ids.length === 0 && !always) return all;
    let isolated = always;
    const allow = bitset(n);
    const deny = bitset(n);
    for (const ri of ids) {
      const r = model.rules[ri];
      if (r.rule.defaultDeny) isolated = true;
      if (!portOk(ri)) continue;
      const target = r.rule.action === 'deny' ? deny : allow;
      const m = mask ? mask(ri) : true;
      if (m === false) continue;
      if (m === true) orInto(target, r.peerPods);
      else for (let w = 0; w < target.length; w++) target[w] |= r.peerPods[w] & m[w];
    }
    const out = bitset(n);
    for (let w = 0; w < out.length; w++) out[w] = (isolated ? allow[w] : all[w]) & ~deny[w];
    return out;
  }

  const hostNetwork = pods.some((p) => p.hostNetwork);
  for (let s = 0; s < n; s++) {
    const out = outAllowed[s];
    const sWord = s >>> 5;
    const sBit = 1 << (s & 31);
    for (let d = 0; d < n; d++) {
      if (s === d) continue;
      let allowed: boolean;
      if (hostNetwork && (pods[s].hostNetwork || pods[d].hostNetwork)) {
        allowed = evaluateProbe(model, {from: {pod: pods[s].key}, to: {pod: pods[d].key}, port, protocol}).verdict === 'allowed';
      } else {
        allowed = (out[d >>> 5] & (1 << (d & 31))) !== 0 && (inAllowed[d][sWord] & sBit) !== 0;
      }
      if (allowed) totals.allowed++;
      else totals.dropped++;
      if (withCells) cells.push({from: pods[s].key, to: pods[d].key, verdict: allowed ? 'allowed' : 'dropped'});
    }
  }
  if (withCells) totals.cells = cells;
  return totals;
}
