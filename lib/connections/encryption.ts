import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";

/** Environment variable holding the 32-byte AES key (base64) that seals stored kubeconfigs. */
export const CONNECTION_KEY_ENV = "CKS_CONNECTION_KEY";

const VERSION = "v1";
const IV_BYTES = 12; // the GCM standard nonce size; random per message, so a key must not seal ~2^32 messages
const TAG_BYTES = 16;

/** An AES-256-GCM key with the id that sealed values carry, so a rotated key can be told apart later. */
export type ConnectionKey = { readonly id: string; readonly key: Buffer };

/** `CKS_CONNECTION_KEY`: base64 (or base64url) of exactly 32 random bytes, e.g. `openssl rand -base64 32`. */
export const ZConnectionKeySchema = z
  .string({ error: `${CONNECTION_KEY_ENV} is not set: generate one with \`openssl rand -base64 32\`` })
  .trim()
  .min(1, `${CONNECTION_KEY_ENV} is empty: generate one with \`openssl rand -base64 32\``)
  .regex(
    /^[A-Za-z0-9+/_-]+={0,2}$/,
    `${CONNECTION_KEY_ENV} is not base64: generate one with \`openssl rand -base64 32\``,
  )
  .transform((text) => Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64"))
  .refine((bytes) => bytes.length === 32, {
    error: (issue) =>
      `${CONNECTION_KEY_ENV} must decode to 32 bytes, found ${(issue.input as Buffer).length}: generate one with \`openssl rand -base64 32\``,
  });

/** Builds a key from its base64 text; throws AppError CONFIG_INVALID with a one-line reason. */
export function parseConnectionKey(text: string | undefined): ConnectionKey {
  const parsed = ZConnectionKeySchema.safeParse(text);
  if (!parsed.success)
    throw new AppError("CONFIG_INVALID", parsed.error.issues[0]?.message ?? `${CONNECTION_KEY_ENV} is invalid`);
  return { id: keyId(parsed.data), key: parsed.data };
}

let envKey: ConnectionKey | undefined;

/** The key from `CKS_CONNECTION_KEY`, validated on first use and then kept for the process. */
export function connectionKeyFromEnv(): ConnectionKey {
  envKey ??= parseConnectionKey(process.env[CONNECTION_KEY_ENV]);
  return envKey;
}

/**
 * Seals a kubeconfig as `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). `boundTo` (e.g. the owner's
 * user id) is authenticated but not stored: a value copied to another owner's row no longer decrypts.
 */
export function encryptKubeconfig(plaintext: string, options: { boundTo: string; key?: ConnectionKey }): string {
  const { id, key } = options.key ?? connectionKeyFromEnv();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(id, options.boundTo));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    id,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(":");
}

/** Why a sealed value could not be opened; never includes the value or the key. */
export type DecryptFailure = { code: "malformed" | "unknown-version" | "wrong-key" | "tampered"; message: string };

/** Opens a value sealed by encryptKubeconfig; tampering, a wrong owner or a different key come back as data. */
export function decryptKubeconfig(
  sealed: string,
  options: { boundTo: string; key?: ConnectionKey },
): { ok: true; kubeconfig: string } | { ok: false; failure: DecryptFailure } {
  const parts = sealed.split(":");
  if (parts[0] !== VERSION) {
    return parts.length === 5 && /^v\d+$/.test(parts[0] ?? "")
      ? failure("unknown-version", `sealed with format ${parts[0]}, this build reads ${VERSION}`)
      : failure("malformed", `expected ${VERSION}:<keyId>:<iv>:<tag>:<ciphertext>`);
  }
  const [, id, ivText, tagText, dataText] = parts;
  if (
    parts.length !== 5 ||
    !id ||
    !ivText ||
    !tagText ||
    dataText === undefined ||
    ![ivText, tagText, dataText].every(isBase64Url)
  ) {
    return failure("malformed", `expected ${VERSION}:<keyId>:<iv>:<tag>:<ciphertext> with base64url parts`);
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    return failure("malformed", `expected a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag`);
  const { id: currentId, key } = options.key ?? connectionKeyFromEnv();
  if (id !== currentId) {
    return failure(
      "wrong-key",
      `sealed with key ${id}, but ${CONNECTION_KEY_ENV} is key ${currentId}: was the key changed? The learner must paste the kubeconfig again`,
    );
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(id, options.boundTo));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(dataText, "base64url")), decipher.final()]);
    return { ok: true, kubeconfig: plaintext.toString("utf8") };
  } catch {
    // GCM says only "unable to authenticate": the ciphertext, tag, IV or owner do not belong together.
    return failure("tampered", "the sealed kubeconfig failed authentication (altered, or stored for another owner)");
  }
}

// Binds the format version, the key id and the owner to the ciphertext.
function associatedData(id: string, boundTo: string): Buffer {
  return Buffer.from(`cks-connection:${VERSION}:${id}:${boundTo}`, "utf8");
}

// A fingerprint, not the key: the first 8 bytes of a domain-separated SHA-256 of the key.
function keyId(key: Buffer): string {
  return createHash("sha256")
    .update("cks-connection-key-id:")
    .update(key)
    .digest()
    .subarray(0, 8)
    .toString("base64url");
}

function isBase64Url(text: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(text);
}

function failure(code: DecryptFailure["code"], message: string): { ok: false; failure: DecryptFailure } {
  return { ok: false, failure: { code, message: `Cannot decrypt the stored kubeconfig: ${message}.` } };
}
