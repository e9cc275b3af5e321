/** DNS record types the cluster's DNS answers (RFC 1035, RFC 3596). */
export const dnsType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28, SRV: 33 } as const;

/** Response codes (RFC 1035 section 4.1.1). */
export const dnsRcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** The one question of a query, with the bytes needed to answer it. */
export type TDnsQuery = { id: number; flags: number; name: string; type: number; class: number; questionEnd: number };

/** What to answer: a response code and IPv4 addresses for A questions. */
export type TDnsAnswer = { rcode: number; addresses: string[]; ttl: number };

/**
 * Reads the header and first question of a DNS query; null when the message is not a standard query with
 * exactly one question (or is cut short). Name labels are read without compression (queries never use it).
 */
export function parseDnsQuery(message: Buffer): TDnsQuery | null {
  if (message.length < 12) return null;
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  if (isResponse || opcode !== 0 || message.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    if (offset >= message.length) return null;
    const length = message[offset] ?? 0;
    if (length === 0) {
      offset += 1;
      break;
    }
    if (length > 63 || offset + 1 + length > message.length) return null;
    labels.push(message.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  if (offset + 4 > message.length) return null;
  return {
    id,
    flags,
    name: labels.join(".").toLowerCase(),
    type: message.readUInt16BE(offset),
    class: message.readUInt16BE(offset + 2),
    questionEnd: offset + 4,
  };
}

/**
 * The response to `query`: the question echoed, authoritative, recursion available (as CoreDNS answers),
 * and one A record per address pointing back at the question's name. Other types get no records.
 */
export function buildDnsResponse(query: TDnsQuery, original: Buffer, answer: TDnsAnswer): Buffer {
  const records = query.type === dnsType.A && answer.rcode === dnsRcode.NOERROR ? answer.addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR, the query's opcode (0) and RD, AA, RA, and the response code.
  header.writeUInt16BE(0x8000 | 0x0400 | (query.flags & 0x0100) | 0x0080 | (answer.rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const question = original.subarray(12, query.questionEnd);
  const answers = records.map((address) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(dnsType.A, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(answer.ttl, 6);
    record.writeUInt16BE(4, 10);
    address.split(".").forEach((part, index) => record.writeUInt8(Number(part), 12 + index));
    return record;
  });
  return Buffer.concat([header, question, ...answers]);
}

/** A query for `name` and `type` (what a resolver sends), for tests. */
export function encodeDnsQuery(id: number, name: string, type: number): Buffer {
  const labels = name
    .split(".")
    .filter(Boolean)
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "latin1")]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(type, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([header, ...labels, tail]);
}
