import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { TCertificateCheck } from "../lab/schema";
import type { CertificateEvidence, ObjectEvidence } from "../report";
import { fail, failureVerdict, namespaceMissingMessage, pass, type CheckContext, type Verdict } from "./verdict";

/** PEM bundles bigger than this are not a lab certificate; they are not parsed. */
const PEM_LIMIT = 64 * 1024;

const ZSecretSchema = z.looseObject({
  type: z.string().nullish(),
  data: z.record(z.string(), z.string()).nullish(),
});

const ZIngressTlsSchema = z.looseObject({
  spec: z
    .looseObject({
      tls: z.array(z.looseObject({ hosts: z.array(z.string()).nullish(), secretName: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

/**
 * Reads a `kubernetes.io/tls` Secret and judges its certificate with Node's crypto: that it covers a
 * host name through a DNS subjectAltName, that tls.key is its private key, and that it is valid now.
 * With `servedBy`, the Ingress must also name the Secret for that host. The key never leaves this function.
 */
export async function checkCertificate(check: TCertificateCheck, ctx: CheckContext): Promise<Verdict> {
  const evidence: CertificateEvidence = {
    type: "certificate",
    source: `Secret ${check.secret}`,
    secretType: null,
    subject: null,
    issuer: null,
    subjectAltNames: [],
    notBefore: null,
    notAfter: null,
    selfSigned: null,
    sha256Fingerprint: null,
    keyMatches: null,
  };
  if (check.servedBy) {
    const served = await servingSecret(check, ctx);
    if (!served.ok) return served.verdict;
    evidence.source = `Ingress ${check.servedBy.ingress}, host ${check.servedBy.host} -> Secret ${check.secret}`;
  }
  const read = await ctx.cluster.readObject({
    apiVersion: "v1",
    kind: "Secret",
    name: check.secret,
    namespace: ctx.namespace,
  });
  if (!read.ok) return missing(read.failure, "Secret", check.secret, ctx);
  const secret = ZSecretSchema.safeParse(read.value);
  if (!secret.success) return fail(`Secret ${check.secret} has an unexpected shape`, [evidence]);
  evidence.secretType = secret.data.type ?? null;
  if (secret.data.type !== "kubernetes.io/tls") {
    return fail(
      `Secret ${check.secret} has type ${secret.data.type ?? "(none)"}, not kubernetes.io/tls`,
      [evidence],
      "failed",
      `Secret ${check.secret} has type ${secret.data.type ?? "(none)"}; create it with kubectl create secret tls so that it is kubernetes.io/tls.`,
    );
  }
  const pem = decode(secret.data.data?.["tls.crt"]);
  if (pem === null) return fail(`Secret ${check.secret} has no usable tls.crt`, [evidence]);
  const certificate = firstCertificate(pem);
  if (!certificate) return fail(`tls.crt of Secret ${check.secret} holds no PEM certificate`, [evidence]);
  describe(certificate, evidence);

  const problems: string[] = [];
  const { coversHost, keyMatches, validNow } = check.expect;
  if (coversHost !== undefined) {
    // Browsers and Go clients ignore the subject CN: only a DNS subjectAltName counts.
    const covered = certificate.checkHost(coversHost, { subject: "never", partialWildcards: false }) !== undefined;
    if (!covered) problems.push(`no DNS subjectAltName covers ${coversHost} (${sanText(evidence)})`);
  }
  if (keyMatches) {
    const key = privateKey(decode(secret.data.data?.["tls.key"]));
    evidence.keyMatches = key ? certificate.checkPrivateKey(key) : null;
    if (key === null) problems.push("tls.key is not a readable, unencrypted private key");
    else if (!evidence.keyMatches) problems.push("tls.key is not the private key of this certificate");
  }
  if (validNow) {
    const now = Date.now();
    const from = Date.parse(certificate.validFrom);
    const to = Date.parse(certificate.validTo);
    if (!(from <= now)) problems.push(`not valid before ${iso(from)}`);
    if (!(now < to)) problems.push(`expired on ${iso(to)}`);
  }
  if (problems.length > 0) return fail(problems.join("; "), [evidence]);
  const met = [
    coversHost ? `covers ${coversHost}` : null,
    keyMatches ? "key matches" : null,
    validNow ? `valid until ${evidence.notAfter}` : null,
  ].filter((m): m is string => m !== null);
  return pass(
    met.length > 0
      ? `${evidence.subject ?? "certificate"}: ${met.join(", ")}`
      : `${evidence.subject ?? "certificate"} parses`,
    [evidence],
  );
}

async function servingSecret(
  check: TCertificateCheck,
  ctx: CheckContext,
): Promise<{ ok: true } | { ok: false; verdict: Verdict }> {
  const { ingress, host } = check.servedBy!;
  const read = await ctx.cluster.readObject({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    name: ingress,
    namespace: ctx.namespace,
  });
  if (!read.ok) return { ok: false, verdict: await missing(read.failure, "Ingress", ingress, ctx) };
  const parsed = ZIngressTlsSchema.safeParse(read.value);
  const entries = parsed.success ? (parsed.data.spec?.tls ?? []) : [];
  const field = {
    type: "field" as const,
    target: `Ingress ${ingress}`,
    path: "spec.tls",
    values: [entries.slice(0, 20)],
  };
  // A controller serves a host from the first tls entry that lists it.
  const entry = entries.find((e) => (e.hosts ?? []).some((h) => hostMatches(h, host)));
  if (!entry) {
    return { ok: false, verdict: fail(`Ingress ${ingress} has no tls entry for ${host}`, [field]) };
  }
  if (entry.secretName !== check.secret) {
    const named = entry.secretName ? `Secret ${entry.secretName}` : "no Secret (the controller's default certificate)";
    return {
      ok: false,
      verdict: fail(`Ingress ${ingress} serves ${host} with ${named}, not ${check.secret}`, [field]),
    };
  }
  return { ok: true };
}

async function missing(
  failure: Parameters<typeof failureVerdict>[0],
  kind: "Secret" | "Ingress",
  name: string,
  ctx: CheckContext,
): Promise<Verdict> {
  if (failure.kind !== "not-found") return failureVerdict(failure, `get ${kind.toLowerCase()} ${name}`, ctx.cluster);
  const ns = await ctx.readNamespace();
  if (!ns.ok && ns.failure.kind === "not-found") {
    return fail(
      `namespace ${ctx.namespace} not found`,
      [],
      "namespace-missing",
      namespaceMissingMessage(ctx.namespace),
    );
  }
  const apiVersion = kind === "Secret" ? "v1" : "networking.k8s.io/v1";
  const evidence: ObjectEvidence = { type: "object", apiVersion, kind, name, found: false };
  return fail(`no ${kind} named ${name}`, [evidence], "object-missing");
}

function decode(base64: string | undefined): string | null {
  if (base64 === undefined || base64.length > (PEM_LIMIT * 4) / 3 + 4) return null;
  return Buffer.from(base64, "base64").toString("utf8");
}

function firstCertificate(pem: string): X509Certificate | null {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!block) return null;
  try {
    return new X509Certificate(block[0]);
  } catch {
    return null;
  }
}

function privateKey(pem: string | null): KeyObject | null {
  if (pem === null) return null;
  try {
    return createPrivateKey(pem);
  } catch {
    // The error could echo key material in some OpenSSL versions: say nothing but that it failed.
    return null;
  }
}

function describe(certificate: X509Certificate, evidence: CertificateEvidence): void {
  evidence.subject = certificate.subject.replaceAll("\n", ", ");
  evidence.issuer = certificate.issuer.replaceAll("\n", ", ");
  evidence.subjectAltNames = (certificate.subjectAltName ?? "")
    .split(/, (?=[A-Za-z ]+:)/)
    .map((name) => name.trim())
    .filter(Boolean)
    .slice(0, 50);
  evidence.notBefore = iso(Date.parse(certificate.validFrom));
  evidence.notAfter = iso(Date.parse(certificate.validTo));
  evidence.selfSigned = certificate.checkIssued(certificate);
  evidence.sha256Fingerprint = certificate.fingerprint256;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  // An Ingress tls host may be a wildcard for exactly one label ("*.cks.test").
  return (
    pattern.startsWith("*.") && host.endsWith(pattern.slice(1)) && !host.slice(0, -pattern.length + 1).includes(".")
  );
}

function sanText(evidence: CertificateEvidence): string {
  return evidence.subjectAltNames.length > 0
    ? `it names ${evidence.subjectAltNames.join(", ")}`
    : "it has no subjectAltName";
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString().replace(".000Z", "Z") : "an unreadable date";
}
