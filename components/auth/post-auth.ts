/** What a call to one of better-auth's endpoints came to, in words for the form. */
export type AuthCallResult = { ok: true } | { ok: false; status: number; message: string };

/** POSTs JSON to a better-auth endpoint under /api/auth and turns its error body into one sentence. */
export async function postAuth(path: string, body: unknown = {}): Promise<AuthCallResult> {
  let response: Response;
  try {
    response = await fetch(`/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, message: "Could not reach the CKS Lab server. Is it still running?" };
  }
  if (response.ok) return { ok: true };
  if (response.status === 429) {
    const wait = Number(response.headers.get("x-retry-after"));
    return {
      ok: false,
      status: 429,
      message: `Too many attempts. Wait ${Number.isFinite(wait) && wait > 0 ? `${wait} seconds` : "a minute"} and try again.`,
    };
  }
  const payload = (await response.json().catch(() => null)) as { message?: string } | null;
  return {
    ok: false,
    status: response.status,
    message: payload?.message || `The server answered ${response.status}. Try again.`,
  };
}
