import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A self-signed certificate (also its own CA) and its key, PEM. */
export type TestCertificate = { cert: string; key: string };

const made = new Map<string, TestCertificate>();

/**
 * A certificate for `subjectAltName` ("DNS:wrong.example", "IP:127.0.0.1"), made once per process with openssl.
 * Trusted as its own CA it gives a chain that verifies, so only the name decides whether TLS succeeds.
 */
export function testCertificate(subjectAltName: string): TestCertificate {
  const cached = made.get(subjectAltName);
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), "cks-cert-"));
  try {
    const result = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=cks-test",
        "-addext",
        `subjectAltName=${subjectAltName}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
    const certificate = {
      cert: readFileSync(path.join(dir, "cert.pem"), "utf8"),
      key: readFileSync(path.join(dir, "key.pem"), "utf8"),
    };
    made.set(subjectAltName, certificate);
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
