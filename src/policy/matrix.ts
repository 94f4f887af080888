/**
 * The all-pairs matrix, bit-parallel: for each destination the set of admitted sources and for
 * each source the set of reachable destinations are ORs of the rules' precomputed peer sets. One
 * evaluation path gives every verdict: the row of source s holds the destinations pod s may reach
 * (its egress row AND the transposed ingress rows), totals are popcounts of those rows, and
 * cells, when asked for, are read from the same bits. The rows are made 32 sources at a time.
 *
 * Pods selected by the same rules share their rows (pods of one Deployment, or of one namespace
 * under namespace-wide policies): the pods are grouped once, each group's row is worked out once
 * per port, and the transpose reads the ingress rows of the groups.
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
  // Per rule: whether it names ports (only those match differently from one destination pod to
  // another), isolates the pods it selects, and denies. Read for every rule of every group, so
  // held in arrays of their own rather than read through each rule's objects.
  const named = Uint8Array.from(model.rules, (r) => (usesNamedPorts(r.rule.l4) ? 1 : 0));
  const isolates = Uint8Array.from(model.rules, (r) => (r.rule.defaultDeny ? 1 : 0));
  const denies = Uint8Array.from(model.rules, (r) => (r.rule.action === 'deny' ? 1 : 0));
  const portSets = namedPortSets(model.cluster.pods);
  // On ingress a rule with named ports is checked against each pod's own container ports, so
  // there the pod's set of named ports is part of what decides its row.
  const ingress = sideGroups(model, model.ingressRules, (i, ids) => (ids.some((ri) => named[ri]) ? portSets.setOf[i] : -1));
  const egress = sideGroups(model, model.egressRules, () => -1);
  // Used again for each port: the rows of the groups of each side, and 32 rows of the n x n bit
  // matrix of what each pod may reach (the full matrix is never held: for 10,000 pods it is 12 MB
  // of memory to touch, and the rows are counted, and listed as cells, as they are made).
  const buffers = {
    inRows: new Uint32Array(ingress.rules.length * W),
    outRows: new Uint32Array(egress.rules.length * W),
    strip: new Uint32Array(32 * W),
  };
  const context: PortContext = {model, named, isolates, denies, portSets, ingress, egress, W, ...buffers};
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
  /** Per pod, the index of its set. */
  setOf: number[];
}

function namedPortSets(pods: readonly PodInfo[]): NamedPortSets {
  const sets: NamedPortSets['sets'] = [];
  const byKey = new Map<string, number>();
  const setOf = pods.map((pod) => {
    const key = [...pod.namedPorts].map(([name, p]) => `${name}=${p.protocol}/${p.port}`).sort().join(',');
    let s = byKey.get(key);
    if (s === undefined) {
      s = sets.push({ports: pod.namedPorts, pods: bitset(pods.length)}) - 1;
      byKey.set(key, s);
    }
    setBit(sets[s].pods, pod.index);
    return s;
  });
  return {sets, setOf};
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

/**
 * Groups the pods by their rules (`rulesOf`, per pod) and by `headOf`, a number that tells apart
 * pods with the same rules whose rows may still differ.
 */
function sideGroups(model: Model, rulesOf: number[][], headOf: (i: number, ids: number[]) => number): SideGroups {
  const pods = model.cluster.pods;
  const never = model.datapath === 'cilium' && model.mode === 'never';
  const always = model.datapath === 'cilium' && model.mode === 'always';
  const groups: SideGroups = {groupOf: new Int32Array(pods.length), rules: [], pod: []};
  const found = new ListIndex();
  let everything: number | undefined;
  /** Starts a group with pod i, for the rules `ids` (null: everything passes); returns its number. */
  const add = (ids: number[] | null, i: number): number => {
    groups.rules.push(ids);
    return groups.pod.push(i) - 1;
  };
  for (let i = 0; i < pods.length; i++) {
    const ids = rulesOf[i];
    // Host-network pods carry their node's identity: their pairs are set from evaluateProbe.
    if (never || pods[i].hostNetwork || (ids.length === 0 && !always)) {
      groups.groupOf[i] = everything ??= add(null, i);
      continue;
    }
    const head = headOf(i, ids);
    let g = found.get(head, ids);
    if (g === undefined) found.set(head, ids, (g = add(ids, i)));
    groups.groupOf[i] = g;
  }
  return groups;
}

/**
 * A map from lists of numbers (with a leading number, `head`) to a value: lists are found by a
 * hash of their numbers and then compared. Tens of thousands of lists of dozens of rules are
 * looked up; turning each into a string key took longer than the rows they stand for.
 */
class ListIndex {
  private readonly byHash = new Map<number, {head: number; list: number[]; value: number}[]>();

  get(head: number, list: number[]): number | undefined {
    return this.byHash.get(hashList(head, list))?.find((e) => e.head === head && sameList(e.list, list))?.value;
  }

  set(head: number, list: number[], value: number): void {
    const h = hashList(head, list);
    let entries = this.byHash.get(h);
    if (!entries) this.byHash.set(h, (entries = []));
    entries.push({head, list, value});
  }
}

/** A hash of `head` and the numbers of `list` (FNV-1a on 32-bit numbers: http://www.isthe.com/chongo/tech/comp/fnv/). */
function hashList(head: number, list: number[]): number {
  let h = Math.imul(0x811c9dc5 ^ head, 0x01000193);
  for (const x of list) h = Math.imul(h ^ x, 0x01000193);
  return h;
}

function sameList(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What every port's matrix shares. */
interface PortContext {
  model: Model;
  named: Uint8Array;
  isolates: Uint8Array;
  denies: Uint8Array;
  portSets: NamedPortSets;
  ingress: SideGroups;
  egress: SideGroups;
  W: number;
  /** Group g's row of a side is at words [g * W, (g + 1) * W). */
  inRows: Uint32Array;
  outRows: Uint32Array;
  /** 32 rows of what sources may reach, W words each (matrixOnPort). */
  strip: Uint32Array;
}

function matrixOnPort(context: PortContext, port: number, protocol: L4Protocol, withCells: boolean): MatrixTotals {
  const {model, ingress, egress, W, inRows, outRows, strip} = context;
  const pods = model.cluster.pods;
  const n = pods.length;
  const rows = new SideRows(context, port, protocol);
  rows.write(ingress, true, inRows);
  rows.write(egress, false, outRows);
  const hostNetwork = pods.filter((pod) => pod.hostNetwork).map((pod) => pod.index);
  const verdict = (s: number, d: number) => evaluateProbe(model, {from: {pod: pods[s].key}, to: {pod: pods[d].key}, port, protocol}).verdict === 'allowed';

  let allowed = 0;
  const cells: NonNullable<MatrixTotals['cells']> = [];
  // 32 sources at a time. The pair (s, d) is allowed when pod s's egress row has d and pod d's
  // ingress row has s, i.e. row s of the transpose of the ingress rows has d: row k of `strip`
  // becomes the AND of the two rows for source s = 32 * block + k.
  for (let block = 0; block < W; block++) {
    transposeStrip(inRows, ingress.groupOf, n, W, block, strip);
    for (let k = 0; k < 32 && block * 32 + k < n; k++) {
      const s = block * 32 + k;
      const at = k * W;
      for (let w = 0, from = egress.groupOf[s] * W; w < W; w++) strip[at + w] &= outRows[from + w];
      const set = (d: number, yes: boolean) => {
        if (yes) strip[at + (d >>> 5)] |= 1 << (d & 31);
        else strip[at + (d >>> 5)] &= ~(1 << (d & 31));
      };
      set(s, false); // a pod and itself is not a pair
      if (pods[s].hostNetwork) for (let d = 0; d < n; d++) d !== s && set(d, verdict(s, d));
      else for (const h of hostNetwork) set(h, verdict(s, h));
      for (let w = 0; w < W; w++) allowed += popcount(strip[at + w]);
      if (withCells) {
        for (let d = 0; d < n; d++) {
          if (d !== s) cells.push({from: pods[s].key, to: pods[d].key, verdict: (strip[at + (d >>> 5)] & (1 << (d & 31))) !== 0 ? 'allowed' : 'dropped'});
        }
      }
    }
  }
  const totals: MatrixTotals = {port, protocol, allowed, dropped: n * (n - 1) - allowed};
  if (withCells) totals.cells = cells;
  return totals;
}

/**
 * The rows of the groups of one side on one port: what the rules selecting a group let through,
 * on ingress (a rule's ports apply to the group's pods themselves) or egress (to each destination).
 *
 * A row is the OR of the sets the rules allow, less those they deny, and many rules admit the
 * same set (compile shares equal sets). Each distinct set with its action is an "effect" with a
 * number; a group's row depends only on its list of effects and on whether a rule isolates its
 * pods, so groups with the same list share the row, and each effect is ORed in once.
 */
class SideRows {
  private readonly all: Bitset;
  private readonly allow: Bitset;
  private readonly deny: Bitset;
  /** Per rule, found on first use: its effect on this port, NO_EFFECT, or UNKNOWN before that. */
  private readonly effectOfRule: Int32Array;
  private readonly base: Traffic;
  private readonly always: boolean;
  /** The effects met so far, by number, and the numbers of their sets, for allow and for deny. */
  private readonly effects: {set: Bitset; deny: boolean}[] = [];
  private readonly effectNumbers = {allow: new Map<Bitset, number>(), deny: new Map<Bitset, number>()};
  /** Per effect, the last list it was added to (so that a list holds it once). */
  private readonly lastList: number[] = [];
  private lists = 0;

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
    this.effectOfRule = new Int32Array(model.rules.length).fill(UNKNOWN);
    this.base = {protocol, port, icmpType: 0, family: 'IPv4'};
    this.always = model.datapath === 'cilium' && model.mode === 'always';
  }

  /** Writes the row of every group of a side into `rows`, group g's at words [g * W, (g + 1) * W). */
  write(groups: SideGroups, ingress: boolean, rows: Uint32Array): void {
    const W = this.context.W;
    /** Per list of effects (led by 1 when isolated), the group whose row was worked out for it. */
    const written = new ListIndex();
    groups.rules.forEach((ids, g) => {
      if (ids === null) return rows.set(this.all, g * W);
      const {isolated, effects} = this.effectsOf(ids, ingress ? groups.pod[g] : undefined);
      effects.sort((a, b) => a - b);
      const same = written.get(isolated ? 1 : 0, effects);
      if (same !== undefined) return rows.copyWithin(g * W, same * W, same * W + W);
      written.set(isolated ? 1 : 0, effects, g);
      this.row(isolated, effects, rows, g * W);
    });
  }

  /**
   * The effects of the rules `ids`, each once, and whether one of them isolates the pods.
   * `ingressPod`, on ingress, is a pod they select, whose own container ports name the ports of
   * rules with named ports.
   */
  private effectsOf(ids: number[], ingressPod: number | undefined): {isolated: boolean; effects: number[]} {
    const {named, isolates} = this.context;
    const list = ++this.lists;
    let isolated = this.always;
    const effects: number[] = [];
    for (const ri of ids) {
      if (isolates[ri]) isolated = true;
      const e = ingressPod !== undefined && named[ri] ? this.effectTo(ri, ingressPod) : this.effectOnPort(ri);
      if (e === NO_EFFECT || this.lastList[e] === list) continue;
      this.lastList[e] = list;
      effects.push(e);
    }
    return {isolated, effects};
  }

  /** The number of the effect of allowing (or denying) `set`. */
  private effectNumber(set: Bitset, deny: boolean): number {
    const numbers = deny ? this.effectNumbers.deny : this.effectNumbers.allow;
    let e = numbers.get(set);
    if (e === undefined) {
      e = this.effects.length;
      numbers.set(set, e);
      this.effects.push({set, deny});
    }
    return e;
  }

  /** Writes at `at` in `into` the row of a list of effects: isolated, only what they allow passes. */
  private row(isolated: boolean, effects: number[], into: Uint32Array, at: number): void {
    const {all, allow, deny} = this;
    allow.fill(0);
    deny.fill(0);
    for (const e of effects) orInto(this.effects[e].deny ? deny : allow, this.effects[e].set);
    for (let w = 0; w < allow.length; w++) into[at + w] = (isolated ? allow[w] : all[w]) & ~deny[w];
  }

  /** The effect of rule `ri` on this port (to each destination's own ports, for named ports on egress). */
  private effectOnPort(ri: number): number {
    let e = this.effectOfRule[ri];
    if (e === UNKNOWN) {
      const {model, named, denies, portSets} = this.context;
      const r = model.rules[ri];
      if (!named[ri]) e = l4Matches(r.rule.l4, this.base) ? this.effectNumber(r.peerPods, denies[ri] === 1) : NO_EFFECT;
      else {
        const set = bitset(model.cluster.pods.length);
        for (const ps of portSets.sets) if (l4Matches(r.rule.l4, {...this.base, dstNamedPorts: ps.ports})) orInto(set, ps.pods);
        for (let w = 0; w < set.length; w++) set[w] &= r.peerPods[w];
        e = this.effectNumber(set, denies[ri] === 1);
      }
      this.effectOfRule[ri] = e;
    }
    return e;
  }

  /** The effect of an ingress rule with named ports on pod `d`, its ports named by d's containers. */
  private effectTo(ri: number, d: number): number {
    const {model, denies} = this.context;
    const r = model.rules[ri];
    return l4Matches(r.rule.l4, {...this.base, dstNamedPorts: model.cluster.pods[d].namedPorts}) ? this.effectNumber(r.peerPods, denies[ri] === 1) : NO_EFFECT;
  }
}

/** effectOfRule: a rule that admits nothing on the port; one not yet looked at. */
const NO_EFFECT = -1;
const UNKNOWN = -2;

/** Set bits in a 32-bit word (the SWAR count). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Rows 32 * block to 32 * block + 31 of the transpose of an n x n bit matrix whose rows are W
 * words each (bit j of a row's word w is column 32w + j): row k of `out` (W words from k * W)
 * holds bit r where row r of the input holds bit 32 * block + k. Rows that are alike are stored
 * once: row r of the matrix is row `rowOf[r]` of `rows`, at words [rowOf[r] * W, (rowOf[r] + 1) * W)
 * (pods of a group share their row). Done in 32 x 32 blocks, each transposed in registers by
 * swapping ever smaller sub-blocks (Hacker's Delight, 7-3) rather than bit by bit. One loop nest,
 * with no calls: V8 optimizes a running loop (on-stack replacement) but a small function only
 * after many calls. Every word of `out` is written, so a buffer may be passed in again.
 */
export function transposeStrip(rows: Uint32Array, rowOf: Int32Array, n: number, W: number, block: number, out: Uint32Array = new Uint32Array(32 * W)): Uint32Array {
  const a = new Uint32Array(32);
  for (let rb = 0; rb < W; rb++) {
    // Block (rb, block): rows 32rb.. of the input, word `block` of each.
    let every = -1;
    let some = 0;
    for (let k = 0; k < 32; k++) {
      const r = rb * 32 + k;
      a[k] = r < n ? rows[rowOf[r] * W + block] : 0;
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
    // Its transpose is word rb of the strip's rows.
    for (let k = 0; k < 32; k++) out[k * W + rb] = a[k];
  }
  return out;
}
