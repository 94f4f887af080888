/**
 * The all-pairs matrix, bit-parallel: for each destination the set of admitted sources and for
 * each source the set of reachable destinations are ORs of the rules' precomputed peer sets. One
 * evaluation path gives every verdict: row s of `reach` holds the destinations pod s may reach
 * (its egress row AND the transposed ingress rows), totals are popcounts of those rows, and
 * cells, when asked for, are read from the same bits.
 *
 * Pairs involving host-network pods are the exception: those pods carry their node's identity
 * (host or remote-node, relative to the other pod), which the per-rule pod sets do not hold, so
 * their bits are set from evaluateProbe, the reference path. Tests check the two agree.
 */
import {bitset, fullBitset, orInto, type Bitset} from './bitset';
import type {Model} from './compile';
import {evaluateProbe, l4Matches, type Traffic} from './evaluate';
import type {PodInfo} from './cluster';
import type {L4, L4Protocol, MatrixTotals} from './types';

/** Evaluates every ordered pair of distinct pods on each port. */
export function evaluateMatrix(model: Model, ports: {port: number; protocol?: L4Protocol}[], options: {cells?: boolean} = {}): MatrixTotals[] {
  const layout = rowLayout(model);
  return ports.map(({port, protocol = 'TCP'}) => matrixOnPort(model, layout, port, protocol, options.cells ?? false));
}

/** What the rows of every port share: which rules name ports, the pods' named ports, and which pods have the same rows. */
interface RowLayout {
  /** Per rule: whether it names ports (only those match differently from one destination pod to another). */
  named: boolean[];
  /** Each distinct set of named container ports, with the pods that declare it. */
  portSets: Map<string, {ports: PodInfo['namedPorts']; pods: Bitset}>;
  /**
   * Per side (0 ingress, 1 egress), per pod: the first pod whose row on that side is the same on
   * every port. Pods selected by the same rules have the same row (pods of one Deployment, or of
   * one namespace under namespace-wide policies), so each distinct row is computed once per port
   * and copied. On ingress a rule with named ports is checked against the pod's own container
   * ports, so such a row depends on the pod's set of named ports as well.
   */
  firstWithRow: [Int32Array, Int32Array];
}

function rowLayout(model: Model): RowLayout {
  const pods = model.cluster.pods;
  const n = pods.length;
  const named = model.rules.map((r) => usesNamedPorts(r.rule.l4));
  const portSets = new Map<string, {ports: PodInfo['namedPorts']; pods: Bitset}>();
  const portSetOf = pods.map((pod) => {
    const key = [...pod.namedPorts].map(([name, p]) => `${name}=${p.protocol}/${p.port}`).sort().join(',');
    let set = portSets.get(key);
    if (!set) portSets.set(key, (set = {ports: pod.namedPorts, pods: bitset(n)}));
    set.pods[pod.index >>> 5] |= 1 << (pod.index & 31);
    return key;
  });
  const firstWithRow: [Int32Array, Int32Array] = [new Int32Array(n), new Int32Array(n)];
  for (const [s, byPod] of [model.ingressRules, model.egressRules].entries()) {
    const firstOf = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const ids = byPod[i];
      // A host-network pod's row is not computed from its rules (see matrixOnPort): never shared.
      const key = pods[i].hostNetwork ? undefined : s === 0 && ids.some((ri) => named[ri]) ? `${portSetOf[i]}|${ids.join(',')}` : ids.join(',');
      const first = key === undefined ? i : firstOf.get(key);
      if (key !== undefined && first === undefined) firstOf.set(key, i);
      firstWithRow[s][i] = first ?? i;
    }
  }
  return {named, portSets, firstWithRow};
}

function usesNamedPorts(l4: L4 | null): boolean {
  return l4 !== null && l4.ports.some((g) => g.ports.some((m) => m.name !== undefined));
}

/** A rule's ports on this port: admits every destination, none, or those in the set (named ports). */
type PortMatch = Bitset | boolean;

function matrixOnPort(model: Model, layout: RowLayout, port: number, protocol: L4Protocol, withCells: boolean): MatrixTotals {
  const {named, portSets, firstWithRow} = layout;
  const pods = model.cluster.pods;
  const n = pods.length;
  const never = model.datapath === 'cilium' && model.mode === 'never';
  const always = model.datapath === 'cilium' && model.mode === 'always';
  const base: Traffic = {protocol, port, icmpType: 0, family: 'IPv4'};
  const W = (n + 31) >>> 5;

  // Per rule, found on first use: which destinations its ports admit. A rule with named ports
  // depends on the destination pod's container ports; pods that name the same ports resolve them
  // alike, so each distinct set of named ports is checked once.
  const portMatch: (PortMatch | undefined)[] = new Array(model.rules.length);
  const matchOf = (ri: number): PortMatch => {
    let m = portMatch[ri];
    if (m === undefined) {
      const l4 = model.rules[ri].rule.l4;
      if (!named[ri]) m = l4Matches(l4, base);
      else {
        const b = bitset(n);
        for (const set of portSets.values()) if (l4Matches(l4, {...base, dstNamedPorts: set.ports})) orInto(b, set.pods);
        m = b;
      }
      portMatch[ri] = m;
    }
    return m;
  };

  // Row i of `inAllowed` (the sources pod i admits) and of `outAllowed` (the destinations pod i
  // may reach) are the words [i * W, (i + 1) * W) of one flat array each.
  const inAllowed = new Uint32Array(n * W);
  const outAllowed = new Uint32Array(n * W);
  const all = fullBitset(n);
  const allow = bitset(n);
  const deny = bitset(n);

  /**
   * Writes into row i of `into` what one side of pod i lets through: the rules `ids` selecting it,
   * on ingress (a rule's ports apply to pod i itself) or egress (to each destination).
   */
  function side(i: number, ids: number[], ingress: boolean, into: Uint32Array): void {
    const at = i * W;
    if (ids.length === 0 && !always) {
      into.set(all, at);
      return;
    }
    const first = firstWithRow[ingress ? 0 : 1][i];
    if (first !== i) {
      into.copyWithin(at, first * W, first * W + W);
      return;
    }
    let isolated = always;
    allow.fill(0);
    deny.fill(0);
    for (const ri of ids) {
      const r = model.rules[ri];
      if (r.rule.defaultDeny) isolated = true;
      const m = ingress && named[ri] ? l4Matches(r.rule.l4, {...base, dstNamedPorts: pods[i].namedPorts}) : matchOf(ri);
      if (m === false) continue;
      const target = r.rule.action === 'deny' ? deny : allow;
      if (m === true) orInto(target, r.peerPods);
      else for (let w = 0; w < W; w++) target[w] |= r.peerPods[w] & m[w];
    }
    for (let w = 0; w < W; w++) into[at + w] = (isolated ? allow[w] : all[w]) & ~deny[w];
  }

  for (let i = 0; i < n; i++) {
    if (never || pods[i].hostNetwork) {
      inAllowed.set(all, i * W);
      outAllowed.set(all, i * W);
      continue;
    }
    side(i, model.ingressRules[i], true, inAllowed);
    side(i, model.egressRules[i], false, outAllowed);
  }

  // The pair (s, d) is allowed when row s of outAllowed has d and row d of inAllowed has s, i.e.
  // row s of the transpose of inAllowed has d: `reach` row s is the AND of the two rows.
  const reach = transpose(inAllowed, n, W);
  for (let i = 0; i < reach.length; i++) reach[i] &= outAllowed[i];
  const setReach = (s: number, d: number, allowed: boolean) => {
    if (allowed) reach[s * W + (d >>> 5)] |= 1 << (d & 31);
    else reach[s * W + (d >>> 5)] &= ~(1 << (d & 31));
  };
  for (let s = 0; s < n; s++) setReach(s, s, false); // a pod and itself is not a pair
  for (let h = 0; h < n; h++) {
    if (!pods[h].hostNetwork) continue;
    const verdict = (s: number, d: number) => evaluateProbe(model, {from: {pod: pods[s].key}, to: {pod: pods[d].key}, port, protocol}).verdict === 'allowed';
    for (let other = 0; other < n; other++) {
      if (other === h) continue;
      setReach(h, other, verdict(h, other));
      setReach(other, h, verdict(other, h));
    }
  }

  let allowed = 0;
  for (let i = 0; i < reach.length; i++) allowed += popcount(reach[i]);
  const totals: MatrixTotals = {port, protocol, allowed, dropped: n * (n - 1) - allowed, 'l7-denied': 0};
  if (withCells) {
    const cells: NonNullable<MatrixTotals['cells']> = [];
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < n; d++) {
        if (s === d) continue;
        const verdict = (reach[s * W + (d >>> 5)] & (1 << (d & 31))) !== 0 ? 'allowed' : 'dropped';
        cells.push({from: pods[s].key, to: pods[d].key, verdict});
      }
    }
    totals.cells = cells;
  }
  return totals;
}

/** Set bits in a 32-bit word (the SWAR count). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The transpose of an n x n bit matrix stored as n rows of W words (bit j of a row's word w is
 * column 32w + j): row c of the result holds bit r where row r of the input holds bit c. Done in
 * 32 x 32 blocks, each transposed in registers by swapping ever smaller sub-blocks (Hacker's
 * Delight, 7-3) rather than bit by bit. One loop nest, with no calls: V8 optimizes a running loop
 * (on-stack replacement) but a small function only after many calls, and this runs once per port.
 */
export function transpose(rows: Uint32Array, n: number, W: number): Uint32Array {
  const out = new Uint32Array(n * W);
  const a = new Uint32Array(32);
  for (let rb = 0; rb < W; rb++) {
    for (let cb = 0; cb < W; cb++) {
      // Block (rb, cb): rows 32rb.. of the input, word cb of each.
      for (let k = 0; k < 32; k++) {
        const r = rb * 32 + k;
        a[k] = r < n ? rows[r * W + cb] : 0;
      }
      // Afterwards bit j of a[i] is what bit i of a[j] was.
      for (let j = 16, m = 0x0000ffff; j !== 0; j >>>= 1, m = (m ^ (m << j)) >>> 0) {
        for (let k = 0; k < 32; k = ((k | j) + 1) & ~j) {
          const t = ((a[k] >>> j) ^ a[k | j]) & m;
          a[k] ^= t << j;
          a[k | j] ^= t;
        }
      }
      // Its transpose is block (cb, rb) of the output.
      for (let k = 0; k < 32; k++) {
        const c = cb * 32 + k;
        if (c < n) out[c * W + rb] = a[k];
      }
    }
  }
  return out;
}
