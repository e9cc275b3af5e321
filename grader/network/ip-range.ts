import { isIPv4, isIPv6 } from "node:net";

/** An inclusive range of addresses of one family, as integers (IPv4 in 32 bits, IPv6 in 128). */
export type IpRange = { family: 4 | 6; start: bigint; end: bigint };

/** Parses "10.0.0.0/8", "2001:db8::/64" or a bare address (a /32 or /128); null when malformed. */
export function parseCidr(text: string): IpRange | null {
  const [address = "", prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0) return null;
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : null;
  if (family === null) return null;
  const bits = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  if (value === null) return null;
  // Host bits are ignored, as the API server's sloppy CIDR parser does for NetworkPolicy ipBlocks.
  const size = 1n << BigInt(bits - prefix);
  const start = (value / size) * size;
  return { family, start, end: start + size - 1n };
}

/** The single-address range of an IP, or null when it is not one. */
export function addressRange(ip: string): IpRange | null {
  return isIPv4(ip) || isIPv6(ip) ? parseCidr(ip) : null;
}

/** Removes `cut` from every range of `from` (same family only); the result is sorted and disjoint. */
export function subtract(from: IpRange[], cut: IpRange[]): IpRange[] {
  let current = normalize(from);
  for (const hole of cut) {
    const next: IpRange[] = [];
    for (const range of current) {
      if (range.family !== hole.family || hole.end < range.start || hole.start > range.end) {
        next.push(range);
        continue;
      }
      if (hole.start > range.start) next.push({ family: range.family, start: range.start, end: hole.start - 1n });
      if (hole.end < range.end) next.push({ family: range.family, start: hole.end + 1n, end: range.end });
    }
    current = next;
  }
  return current;
}

/** How much of `target` the union of `ranges` covers. */
export function coverage(target: IpRange, ranges: IpRange[]): "all" | "some" | "none" {
  const rest = subtract([target], ranges);
  if (rest.length === 0) return "all";
  const untouched = rest.length === 1 && rest[0]!.start === target.start && rest[0]!.end === target.end;
  return untouched ? "none" : "some";
}

/** Sorts and merges overlapping or adjacent ranges of the same family. */
export function normalize(ranges: IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const merged: IpRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && last.family === range.family && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** "10.0.0.0/8"-style text for a range that is one CIDR block, else "first-last". */
export function formatRange(range: IpRange): string {
  const bits = range.family === 4 ? 32 : 128;
  const size = range.end - range.start + 1n;
  const show = range.family === 4 ? bigIntToIpv4 : bigIntToIpv6;
  const prefixBits = size.toString(2).length - 1;
  if (size === 1n << BigInt(prefixBits) && range.start % size === 0n) {
    return `${show(range.start)}/${bits - prefixBits}`;
  }
  return `${show(range.start)}-${show(range.end)}`;
}

function ipv4ToBigInt(address: string): bigint | null {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
}

function ipv6ToBigInt(address: string): bigint | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = ipv4ToBigInt(v4[1]!);
    if (value === null) return null;
    text = `${text.slice(0, v4.index)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

function bigIntToIpv6(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(":");
}
