/**
 * The all-pairs matrix, bit-parallel: for each destination the set of admitted sources and for
 * each source the set of reachable destinations are ORs of the rules' precomputed peer sets. One
 * evaluation path gives every verdict: row s of `reach` holds the destinations pod s may reach
 * (its egress row AND the transposed ingress rows), totals are popcounts of those rows, and
 * cells, when asked for, are read from the same bits.
 *
 * Pods selected by the same rules share their rows (pods of one Deployment, or of one namespace
 * under namespace-wide policies): the pods are grouped once, each group's row is worked out once
 * per port, and the transpose reads the ingress rows of the groups, so only `reach` is n x n.
 *
 * Pairs involving host-network pods are the exception: those pods carry their node's identity
 * (host or remote-node, relative to the other pod), which the per-rule pod sets do not hold, so
 * their bits are set from evaluateProbe, the reference path. Tests check the two agree.
 */
import {bitset, fullBitset, orInto, setBit, type Bitset} from './bitset';
import type {Model} from './compile';
import {evaluateProbe, l4Matches, type Traffic} from './evaluate';
import type {PodInfo} from './cluster';
import type {L4, L4Protocol, MatrixTotals} from './types';

/** Evaluates every ordered pair of distinct pods on each port. */
export function evaluateMatrix(model: Model, ports: {port: number; protocol?: L4Protocol}[], options: {cells?: boolean} = {}): MatrixTotals[] {
  const n = model.cluster.pods.length;
  const W = (n + 31) >>> 5;
  // Which rules name ports: only those match differently from one destination pod to another.
  const named = model.rules.map((r) => usesNamedPorts(r.rule.l4));
  const portSets = namedPortSets(model.cluster.pods);
  const ingress = sideGroups(model, model.ingressRules, (i, ids) => (ids.some((ri) => named[ri]) ? `${portSets.keyOf[i]}|${ids.join(',')}` : ids.join(',')));
  const egress = sideGroups(model, model.egressRules, (_i, ids) => ids.join(','));
  // Used again for each port: the rows of the groups of each side, and the n x n bit matrix
  // `reach` (the transposed ingress rows, where each pod's egress row is then ANDed in).
  const buffers = {
    inRows: new Uint32Array(ingress.rules.length * W),
    outRows: new Uint32Array(egress.rules.length * W),
    reach: new Uint32Array(n * W),
  };
  const context: PortContext = {model, named, portSets, ingress, egress, W, ...buffers};
  return ports.map(({port, protocol = 'TCP'}) => matrixOnPort(context, port, protocol, options.cells ?? false));
}

function usesNamedPorts(l4: L4 | null): boolean {
  return l4 !== null && l4.ports.some((g) => g.ports.some((m) => m.name !== undefined));
}

/**
 * The distinct sets of named container ports of the pods: a rule with named ports depends on the
 * destination pod's container ports, and pods that name the same ports resolve them alike, so
 * each set is checked once.
 */
interface NamedPortSets {
  sets: {ports: PodInfo['namedPorts']; pods: Bitset}[];
  /** Per pod, a key naming its set. */
  keyOf: string[];
}

function namedPortSets(pods: readonly PodInfo[]): NamedPortSets {
  const byKey = new Map<string, {ports: PodInfo['namedPorts']; pods: Bitset}>();
  const keyOf = pods.map((pod) => {
    const key = [...pod.namedPorts].map(([name, p]) => `${name}=${p.protocol}/${p.port}`).sort().join(',');
    let set = byKey.get(key);
    if (!set) byKey.set(key, (set = {ports: pod.namedPorts, pods: bitset(pods.length)}));
    setBit(set.pods, pod.index);
    return key;
  });
  return {sets: [...byKey.values()], keyOf};
}

/**
 * The pods of one side (ingress or egress) grouped by what decides their row: pods selected by
 * the same rules have the same row (pods of one Deployment, or of one namespace under
 * namespace-wide policies), so each group's row is computed once per port.
 */
interface SideGroups {
  /** Per pod, its group. */
  groupOf: Int32Array;
  /**
   * Per group, the indices of its rules, or null when policy lets everything through this side
   * of its pods (no rule selects them, enforcement is off, or they are host-network pods).
   */
  rules: (number[] | null)[];
  /** Per group, one of its pods. */
  pod: number[];
}

/** Groups the pods by `keyOf` (the same key for pods whose rows are alike). */
function sideGroups(model: Model, rulesOf: number[][], keyOf: (i: number, ids: number[]) => string): SideGroups {
  const pods = model.cluster.pods;
  const never = model.datapath === 'cilium' && model.mode === 'never';
  const always = model.datapath === 'cilium' && model.mode === 'always';
  const groups: SideGroups = {groupOf: new Int32Array(pods.length), rules: [], pod: []};
  const byKey = new Map<string, number>();
  for (let i = 0; i < pods.length; i++) {
    const ids = rulesOf[i];
    // Host-network pods carry their node's identity: their pairs are set from evaluateProbe.
    const everything = never || pods[i].hostNetwork || (ids.length === 0 && !always);
    const key = everything ? 'everything' : keyOf(i, ids);
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.rules.length;
      byKey.set(key, g);
      groups.rules.push(everything ? null : ids);
      groups.pod.push(i);
    }
    groups.groupOf[i] = g;
  }
  return groups;
}

/** What every port's matrix shares. */
interface PortContext {
  model: Model;
  named: boolean[];
  portSets: NamedPortSets;
  ingress: SideGroups;
  egress: SideGroups;
  W: number;
  /** Group g's row of a side is at words [g * W, (g + 1) * W). */
  inRows: Uint32Array;
  outRows: Uint32Array;
  reach: Uint32Array;
}

function matrixOnPort(context: PortContext, port: number, protocol: L4Protocol, withCells: boolean): MatrixTotals {
  const {model, ingress, egress, W, inRows, outRows, reach} = context;
  const pods = model.cluster.pods;
  const n = pods.length;
  const rows = new SideRows(context, port, protocol);
  rows.write(ingress, true, inRows);
  rows.write(egress, false, outRows);

  // The pair (s, d) is allowed when pod s's egress row has d and pod d's ingress row has s, i.e.
  // row s of the transpose of the ingress rows has d: `reach` row s is the AND of the two rows.
  transpose(inRows, ingress.groupOf, n, W, reach);
  for (let s = 0; s < n; s++) {
    for (let w = 0, at = s * W, from = egress.groupOf[s] * W; w < W; w++) reach[at + w] &= outRows[from + w];
  }
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

/**
 * The rows of the groups of one side on one port: what the rules selecting a group let through,
 * on ingress (a rule's ports apply to the group's pods themselves) or egress (to each destination).
 */
class SideRows {
  private readonly all: Bitset;
  private readonly allow: Bitset;
  private readonly deny: Bitset;
  /** Per rule, found on first use: the pods its peers admit on this port, or null for none. */
  private readonly admitted: (Bitset | null | undefined)[];
  private readonly base: Traffic;
  private readonly always: boolean;

  constructor(
    private readonly context: PortContext,
    port: number,
    protocol: L4Protocol,
  ) {
    const {model} = context;
    const n = model.cluster.pods.length;
    this.all = fullBitset(n);
    this.allow = bitset(n);
    this.deny = bitset(n);
    this.admitted = new Array(model.rules.length);
    this.base = {protocol, port, icmpType: 0, family: 'IPv4'};
    this.always = model.datapath === 'cilium' && model.mode === 'always';
  }

  /** Writes the row of every group of a side into `rows`, group g's at words [g * W, (g + 1) * W). */
  write(groups: SideGroups, ingress: boolean, rows: Uint32Array): void {
    const W = this.context.W;
    groups.rules.forEach((ids, g) => {
      if (ids === null) rows.set(this.all, g * W);
      else this.row(ids, ingress ? groups.pod[g] : undefined, rows, g * W);
    });
  }

  /**
   * Writes at `at` in `into` the row of the rules `ids`; `ingressPod`, on ingress, is a pod they
   * select (whose own container ports name the ports of rules with named ports).
   */
  private row(ids: number[], ingressPod: number | undefined, into: Uint32Array, at: number): void {
    const {model, named, W} = this.context;
    const {all, allow, deny} = this;
    let isolated = this.always;
    allow.fill(0);
    deny.fill(0);
    // Rules often admit the same pods (compile shares equal sets): each set is ORed in once.
    const added = [new Set<Bitset>(), new Set<Bitset>()];
    for (const ri of ids) {
      const r = model.rules[ri];
      if (r.rule.defaultDeny) isolated = true;
      const set = ingressPod !== undefined && named[ri] ? this.admittedTo(ri, ingressPod) : this.admittedOnPort(ri);
      if (set === null) continue;
      const isDeny = r.rule.action === 'deny';
      if (added[isDeny ? 1 : 0].has(set)) continue;
      added[isDeny ? 1 : 0].add(set);
      orInto(isDeny ? deny : allow, set);
    }
    for (let w = 0; w < W; w++) into[at + w] = (isolated ? allow[w] : all[w]) & ~deny[w];
  }

  /** The peers rule `ri` admits on this port (to each destination's own ports, for named ports on egress). */
  private admittedOnPort(ri: number): Bitset | null {
    let set = this.admitted[ri];
    if (set === undefined) {
      const {model, named, portSets} = this.context;
      const r = model.rules[ri];
      if (!named[ri]) set = l4Matches(r.rule.l4, this.base) ? r.peerPods : null;
      else {
        set = bitset(model.cluster.pods.length);
        for (const ps of portSets.sets) if (l4Matches(r.rule.l4, {...this.base, dstNamedPorts: ps.ports})) orInto(set, ps.pods);
        for (let w = 0; w < set.length; w++) set[w] &= r.peerPods[w];
      }
      this.admitted[ri] = set;
    }
    return set;
  }

  /** The peers an ingress rule with named ports admits to pod `d`, its ports named by d's containers. */
  private admittedTo(ri: number, d: number): Bitset | null {
    const {model} = this.context;
    const r = model.rules[ri];
    return l4Matches(r.rule.l4, {...this.base, dstNamedPorts: model.cluster.pods[d].namedPorts}) ? r.peerPods : null;
  }
}

/** Set bits in a 32-bit word (the SWAR count). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The transpose of an n x n bit matrix whose rows are W words each (bit j of a row's word w is
 * column 32w + j): row c of the result holds bit r where row r of the input holds bit c. Rows
 * that are alike are stored once: row r of the matrix is row `rowOf[r]` of `rows`, at words
 * [rowOf[r] * W, (rowOf[r] + 1) * W) (pods of a group share their row). Done in
 * 32 x 32 blocks, each transposed in registers by swapping ever smaller sub-blocks (Hacker's
 * Delight, 7-3) rather than bit by bit. One loop nest, with no calls: V8 optimizes a running
 * loop (on-stack replacement) but a small function only after many calls, and this runs once per
 * port. Every word of `out` is written, so a buffer may be passed in again for each port.
 */
export function transpose(rows: Uint32Array, rowOf: Int32Array, n: number, W: number, out: Uint32Array = new Uint32Array(n * W)): Uint32Array {
  const a = new Uint32Array(32);
  for (let rb = 0; rb < W; rb++) {
    for (let cb = 0; cb < W; cb++) {
      // Block (rb, cb): rows 32rb.. of the input, word cb of each.
      let every = -1;
      let some = 0;
      for (let k = 0; k < 32; k++) {
        const r = rb * 32 + k;
        a[k] = r < n ? rows[rowOf[r] * W + cb] : 0;
        every &= a[k];
        some |= a[k];
      }
      // Afterwards bit j of a[i] is what bit i of a[j] was. A block of all zeros or all ones (most
      // of them, where policy allows or denies whole namespaces) is its own transpose.
      if (some !== 0 && every !== -1) {
        for (let j = 16, m = 0x0000ffff; j !== 0; j >>>= 1, m = (m ^ (m << j)) >>> 0) {
          for (let k = 0; k < 32; k = ((k | j) + 1) & ~j) {
            const t = ((a[k] >>> j) ^ a[k | j]) & m;
            a[k] ^= t << j;
            a[k | j] ^= t;
          }
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
