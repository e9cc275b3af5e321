import { PUBLIC } from "@/lib/auth/door";
import { auth, route } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

// better-auth's own endpoints (/api/auth/sign-in/email, /sign-up/email, /sign-out, /revoke-sessions,
// /admin/*): open doors, because better-auth's router parses each body with its own schemas and applies
// the origin check, the rate limiter, its admin access control and our hooks (lib/auth/server.ts).
/** GET: better-auth's read endpoints (session). */
export const GET = route({ action: PUBLIC }, ({ request }) => auth().handler(request));

/** POST: sign-in, sign-up, sign-out and the admin plugin's actions. */
export const POST = route({ action: PUBLIC }, ({ request }) => auth().handler(request));
