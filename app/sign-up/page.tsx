import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignUpForm } from "@/components/auth/SignUpForm";
import { PUBLIC } from "@/lib/auth/door";
import { safeReturnTo } from "@/lib/auth/return-to";
import { page } from "@/lib/auth/session";
import { getSignUpSettings } from "@/lib/auth/settings";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Sign up" };

const ZNextSchema = z.object({ next: z.union([z.string(), z.array(z.string())]).optional() });

/** Student sign-up, as the instructor's sign-up mode allows (the server enforces it again on submit). */
export default page(
  { action: PUBLIC, returnTo: "/sign-up", searchParams: ZNextSchema },
  async ({ user, searchParams }) => {
    const next = safeReturnTo(searchParams.next);
    if ((await countUsers()) === 0) redirect("/setup");
    if (user) redirect(next);
    const settings = await getSignUpSettings();
    return (
      <section className="auth-page" aria-labelledby="sign-up-title">
        <h1 id="sign-up-title">Create your account</h1>
        {settings.mode === "closed" ? (
          <div className="banner banner-info" role="status">
            <p>
              <strong>Sign-up is closed on this CKS Lab.</strong> Ask your instructor for an account.
            </p>
          </div>
        ) : (
          <>
            <p className="muted">
              A student account keeps your bookmarks and lets you check your lab work.
              {settings.mode === "invite" ? " You need the invite code from your instructor." : ""}
            </p>
            <SignUpForm needsInviteCode={settings.mode === "invite"} submitLabel="Create account" next={next} />
          </>
        )}
        <p className="auth-switch">
          Already have an account?{" "}
          <Link href={`/sign-in${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`}>Sign in</Link>
        </p>
      </section>
    );
  },
);
