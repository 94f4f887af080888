import {cidrWithin, parseCidr} from './cidr';
import type {Fields} from './reader';

/** How the two APIs differ on `except`, and how their messages name the cidr. */
export interface CidrRules {
  /** The example in the "missing cidr" hint. */
  example: string;
  /** How a message names the cidr field, e.g. `ipBlock.cidr`. */
  cidrName: string;
  /**
   * Kubernetes ValidateIPBlock wants each except a strict subset of cidr; Cilium (TestL3Policy)
   * accepts any subnet of it, the cidr itself included.
   */
  strictSubset: boolean;
}

const NOT_A_CIDR = 'which is not a CIDR; write an address and a prefix length, e.g. "10.0.0.0/24"';

/**
 * Reads `cidr` and `except` of an ipBlock or a CIDRSet, reporting an invalid CIDR or an except
 * outside the cidr at its own position. Undefined when the cidr itself is missing or invalid.
 */
export function readCidrWithExcept(f: Fields, rules: CidrRules): {cidr: string; except: string[]} | undefined {
  const cidrVal = f.require('cidr', `a CIDR such as ${rules.example}`);
  const cidrText = cidrVal?.string('a CIDR');
  if (cidrText === undefined) return undefined;
  const cidr = parseCidr(cidrText);
  if (!cidr) return cidrVal!.fail('invalid-cidr', `${cidrVal!.path} is "${cidrText}", ${NOT_A_CIDR}`);
  const except: string[] = [];
  for (const e of f.get('except').items('excepted CIDRs') ?? []) {
    const text = e.string('a CIDR');
    if (text === undefined) continue;
    const ex = parseCidr(text);
    if (!ex) {
      e.fail('invalid-cidr', `${e.path} is "${text}", ${NOT_A_CIDR}`);
    } else if (!cidrWithin(ex, cidr) || (rules.strictSubset && ex.bits <= cidr.bits)) {
      const relation = rules.strictSubset ? 'a strict subset' : 'a subnet';
      e.fail('except-outside-cidr', `${e.path} "${text}" is not inside ${rules.cidrName} "${cidrText}"; an except entry must be ${relation} of the cidr`);
    } else {
      except.push(text);
    }
  }
  return {cidr: cidrText, except};
}
