import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInForm } from "@/components/auth/SignInForm";
import { PUBLIC } from "@/lib/auth/door";
import { safeReturnTo } from "@/lib/auth/return-to";
import { page } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Sign in" };

const ZNextSchema = z.object({ next: z.union([z.string(), z.array(z.string())]).optional() });

/** Email + password sign-in; already signed-in visitors go straight on. */
export default page(
  { action: PUBLIC, returnTo: "/sign-in", searchParams: ZNextSchema },
  async ({ user, searchParams }) => {
    const next = safeReturnTo(searchParams.next);
    if ((await countUsers()) === 0) redirect("/setup");
    if (user) redirect(next);
    return (
      <section className="auth-page" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted">Sign in to check your lab work against your cluster and keep your bookmarks.</p>
        <SignInForm next={next} />
        <p className="auth-switch">
          New here?{" "}
          <Link href={`/sign-up${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`}>Create an account</Link>
        </p>
      </section>
    );
  },
);
