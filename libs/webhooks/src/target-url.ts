import { isIP } from 'node:net';

export interface TargetUrlPolicy {
  /** Loopback and private networks (tests, on-premise receivers). */
  allowPrivate: boolean;
}

const PRIVATE_V4: [number, number][] = [
  [0x0a000000, 8], // 10/8
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata)
  [0x00000000, 8], // 0/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

/** `::ffff:127.0.0.1` and its normalised form `::ffff:7f00:1` are IPv4 addresses in disguise. */
function unmapIpv4(address: string): string {
  const dotted = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) return dotted[1];
  const hex = address.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (!hex) return address;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for loopback, private, link-local and unspecified addresses (v4, v6, v4-mapped v6). */
export function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const address = unmapIpv4(bare);
  const version = isIP(address);
  if (version === 4) {
    const value = ipv4ToInt(address);
    return PRIVATE_V4.some(([base, bits]) => value >>> (32 - bits) === base >>> (32 - bits));
  }
  if (version === 6) {
    return (
      address === '::1' ||
      address === '::' ||
      address.startsWith('fc') ||
      address.startsWith('fd') ||
      address.startsWith('fe80')
    );
  }
  return false;
}

/**
 * Why a webhook target URL is not acceptable, or null when it is. Only absolute http(s) URLs
 * without credentials; loopback and private hosts only when the policy allows them. Names are
 * checked literally (DNS is not resolved here).
 */
export function targetUrlProblem(raw: string, policy: TargetUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
  if (url.username || url.password) return 'must not contain credentials';
  const host = url.hostname.toLowerCase();
  if (!host) return 'must have a host';
  const local = host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host);
  if (local && !policy.allowPrivate) return 'must not point to a loopback or private address';
  return null;
}
