/**
 * The name syntaxes Kubernetes validates, each defined once and imported wherever a name is
 * checked (k8s.io/apimachinery pkg/util/validation/validation.go).
 */

/** DNS-1123 label (IsDNS1123Label): namespace names, Service names, pod names of the scenario. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** DNS-1123 subdomain (IsDNS1123Subdomain): most object names and the prefix of a label key. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * IANA_SVC_NAME (IsValidPortName), what the API server requires of a named port: lower-case
 * letters, digits and "-", at least one letter, at most 15 characters (checked with isPortName).
 */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Whether `name` is a valid port name (IANA_SVC_NAME, at most 15 characters, no "--"). */
export function isPortName(name: string): boolean {
  return name.length <= 15 && PORT_NAME.test(name) && !name.includes('--');
}
