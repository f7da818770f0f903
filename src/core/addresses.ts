import { isIP } from "node:net";

/**
 * Why the server must not connect to `host` on a user's behalf, or undefined when it may. Only IP
 * literals are accepted: a name could resolve anywhere, and resolve differently later. Link-local
 * (a cloud host's metadata service among them), multicast and unspecified addresses are refused;
 * an IPv6 address that carries an IPv4 one (IPv4-mapped, or NAT64's 64:ff9b::/96) by the rules of
 * that IPv4 address, whichever way it is written. Loopback and private addresses are allowed: the
 * applications the server deploys listen there.
 */
export function refusedAddress(host: string): string | undefined {
  const kind = isIP(host);
  if (kind === 0) return "not an IP address";
  if (kind === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    if (a === 0) return "an unspecified address";
    if (a === 169 && b === 254) return "a link-local address";
    if (a >= 224) return "a multicast or reserved address";
    return undefined;
  }
  if (host.includes("%")) return "an IPv6 address with a zone (link-local)";
  // One spelling per address (`0:0::0` is `::`, `::ffff:169.254.0.1` is `::ffff:a9fe:1`).
  const canonical = new URL(`http://[${host}]/`).hostname.slice(1, -1);
  if (canonical === "::" || /^fe[89ab]/.test(canonical)) return "an unspecified or link-local address";
  if (canonical.startsWith("ff")) return "a multicast address";
  const embedded = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!embedded) return undefined;
  const high = parseInt(embedded[1]!, 16);
  const low = parseInt(embedded[2]!, 16);
  return refusedAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
}
