import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/SignUpForm";
import { PUBLIC } from "@/lib/auth/door";
import { page } from "@/lib/auth/session";
import { readSetupCode } from "@/lib/auth/setup-code";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Set up CKS Lab" };

/** First run only: creates the instructor account; afterwards it sends people to sign in. */
export default page({ action: PUBLIC, returnTo: "/setup" }, async () => {
  if ((await countUsers()) > 0) redirect("/sign-in");
  return (
    <section className="auth-page" aria-labelledby="setup-title">
      <p className="eyebrow">First run</p>
      <h1 id="setup-title">Set up CKS Lab</h1>
      <p className="lead">
        Nobody has an account here yet. The account you create now becomes the <strong>instructor</strong>. To prove you
        run this server, enter the setup code it printed in its console when it started.
      </p>
      <ul className="auth-points">
        <li>Instructors change roles (student, grader, instructor) and decide who may sign up, on the Admin page.</li>
        <li>Everyone after you signs up as a student, while sign-up is open.</li>
        <li>This page disappears once the instructor account exists.</li>
      </ul>
      {readSetupCode() ? null : (
        <div className="banner banner-info" role="status">
          <p>
            <strong>No setup code is waiting.</strong> Restart CKS Lab with <code>npm start</code>: it prints a new one
            in its console and saves it in <code>data/setup-code</code>.
          </p>
        </div>
      )}
      <SignUpForm needsInviteCode={false} needsSetupCode submitLabel="Create the instructor account" next="/admin" />
    </section>
  );
});
