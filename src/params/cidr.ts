/** Parsed IPv4 CIDR: network address as a 32-bit number and prefix length. */
export interface Ipv4Cidr {
  network: number;
  prefix: number;
}

/** Parses a.b.c.d/n strictly; returns a reason string when it is not a valid network CIDR. */
export function parseCidr(text: string): Ipv4Cidr | string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return `"${text}" is not an IPv4 CIDR like 10.0.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return `"${text}" has an octet above 255`;
  const prefix = Number(match[5]);
  if (prefix > 32) return `"${text}" has a prefix above /32`;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    const network = address - (address % size);
    return `"${text}" has host bits set; the network is ${formatAddress(network)}/${prefix}`;
  }
  return { network: address, prefix };
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const aEnd = a.network + 2 ** (32 - a.prefix);
  const bEnd = b.network + 2 ** (32 - b.prefix);
  return a.network < bEnd && b.network < aEnd;
}
