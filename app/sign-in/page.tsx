import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SignInForm } from "@/components/auth/SignInForm";
import { safeReturnTo } from "@/lib/auth/return-to";
import { getCurrentUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Email + password sign-in; already signed-in visitors go straight on. */
export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const next = safeReturnTo((await searchParams).next);
  if ((await countUsers()) === 0) redirect("/setup");
  if (await getCurrentUser()) redirect(next);
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
}
