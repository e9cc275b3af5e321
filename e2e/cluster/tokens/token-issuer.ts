import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";

/** kubeadm's (and so kind's) `--service-account-issuer`, which is also the API server's default audience. */
export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

/** The issuer of token Secrets filled in by the token controller (`pkg/serviceaccount/legacy.go`). */
export const legacyIssuer = "kubernetes/serviceaccount";

/** The lifetime the ServiceAccount admission plugin asks for in the token volume: one hour and seven seconds. */
export const warnOnlyBoundTokenExpirationSeconds = 3607;

/** How long the API server really makes such a token live (`--service-account-extend-token-expiration`, on by default). */
export const expirationExtensionSeconds = 365 * 24 * 60 * 60;

/** An object a token names in its claims. */
export type TClaimRef = { name: string; uid?: string };

/** What a bound token says about itself, before signing. */
export type TBoundClaims = {
  namespace: string;
  serviceAccount: Required<TClaimRef>;
  pod?: Required<TClaimRef>;
  secret?: Required<TClaimRef>;
  node?: TClaimRef;
  audiences: string[];
  expirationSeconds: number;
  /** Seconds after which the API server would log the token as stale (the extended projected-volume tokens). */
  warnAfterSeconds?: number;
};

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** JSON with every object's keys sorted, as go-jose serialises claims (they pass through a map). */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}

/**
 * The API server's service account token signer: an RSA key made at start, RS256 JWTs whose `kid` is the
 * base64url SHA-256 of the public key's DER (as kube-apiserver derives it), the claims shape of
 * `pkg/serviceaccount/claims.go` for TokenRequest tokens and of `legacy.go` for token Secrets.
 */
export class TokenIssuer {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor() {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = createPublicKey(pair.privateKey);
    const der = this.publicKey.export({ type: "spki", format: "der" });
    this.keyId = base64url(createHash("sha256").update(der).digest());
  }

  /** A bound token (TokenRequest): iss, sub, aud, iat, nbf, exp, jti and the `kubernetes.io` claims. */
  issueBound(claims: TBoundClaims, now = Date.now()): { token: string; issuedAt: number; expiresAt: number } {
    const iat = Math.floor(now / 1000);
    const exp = iat + claims.expirationSeconds;
    const kubernetes: Record<string, unknown> = {
      namespace: claims.namespace,
      serviceaccount: claims.serviceAccount,
      ...(claims.pod ? { pod: claims.pod } : {}),
      ...(claims.secret ? { secret: claims.secret } : {}),
      ...(claims.node ? { node: claims.node } : {}),
      ...(claims.warnAfterSeconds ? { warnafter: iat + claims.warnAfterSeconds } : {}),
    };
    const payload = {
      aud: claims.audiences,
      exp,
      iat,
      iss: serviceAccountIssuer,
      jti: randomUUID(),
      "kubernetes.io": kubernetes,
      nbf: iat,
      sub: `system:serviceaccount:${claims.namespace}:${claims.serviceAccount.name}`,
    };
    return { token: this.sign(payload), issuedAt: iat, expiresAt: exp };
  }

  /** A token Secret's token: no audience and no expiry, valid for as long as the Secret and the account exist. */
  issueLegacy(namespace: string, serviceAccount: Required<TClaimRef>, secretName: string): string {
    return this.sign({
      iss: legacyIssuer,
      "kubernetes.io/serviceaccount/namespace": namespace,
      "kubernetes.io/serviceaccount/secret.name": secretName,
      "kubernetes.io/serviceaccount/service-account.name": serviceAccount.name,
      "kubernetes.io/serviceaccount/service-account.uid": serviceAccount.uid,
      sub: `system:serviceaccount:${namespace}:${serviceAccount.name}`,
    });
  }

  /** `/openid/v1/jwks`: the public key as a JSON Web Key Set, for anyone who verifies these tokens. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ use: "sig", kty: "RSA", kid: this.keyId, alg: "RS256", n: jwk.n, e: jwk.e }] };
  }

  /** `/.well-known/openid-configuration`, with the key set served by the API server at `origin`. */
  openIdConfiguration(origin: string): Record<string, unknown> {
    return {
      issuer: serviceAccountIssuer,
      jwks_uri: `${origin}/openid/v1/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }

  /** The claims of a token this issuer signed, or undefined for anything else (another key, a tampered token). */
  verify(token: string): Record<string, unknown> | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [header = "", payload = "", signature = ""] = parts;
    const valid = verify(
      "sha256",
      Buffer.from(`${header}.${payload}`),
      this.publicKey,
      Buffer.from(signature, "base64url"),
    );
    if (!valid) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private sign(payload: Record<string, unknown>): string {
    const header = base64url(JSON.stringify({ alg: "RS256", kid: this.keyId }));
    const body = base64url(sortedJson(payload));
    const signature = sign("sha256", Buffer.from(`${header}.${body}`), this.privateKey);
    return `${header}.${body}.${base64url(signature)}`;
  }
}
