// Next.js proxy (formerly middleware): gives every page a fresh CSP nonce. Next reads the nonce back
// from the request's Content-Security-Policy header and puts it on its own scripts and inline styles,
// so pages must render per request (the door's page() does). API routes, static files and prefetches
// skip it: they are not HTML documents (they still get SECURITY_HEADERS from next.config.ts).
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "./lib/http/security-headers";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
