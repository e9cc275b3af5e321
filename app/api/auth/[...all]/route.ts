import { auth } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

// better-auth's own endpoints (/api/auth/sign-in/email, /sign-up/email, /sign-out, /revoke-sessions,
// /admin/*): its router applies the origin check, the rate limiter and our hooks (lib/auth/server.ts).
/** GET: better-auth's read endpoints (session). */
export function GET(request: Request) {
  return auth().handler(request);
}

/** POST: sign-in, sign-up, sign-out and the admin plugin's actions. */
export function POST(request: Request) {
  return auth().handler(request);
}
