import type { Metadata } from "next";
import { SignOutButton } from "@/components/auth/SignOutButton";
import { ROLE_LABEL } from "@/lib/auth/roles";
import { page } from "@/lib/auth/session";
import { countActiveSessions } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Your account" };

/** The signed-in user's account: who they are, and signing out here or on every device. */
export default page({ action: "account:view", self: true, returnTo: "/account" }, async ({ user }) => {
  const sessions = await countActiveSessions(user.id);
  return (
    <section className="auth-page" aria-labelledby="account-title">
      <h1 id="account-title">Your account</h1>
      <dl className="account-facts">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABEL[user.role]}</dd>
        <dt>Signed in on</dt>
        <dd data-testid="session-count">{sessions === 1 ? "1 browser" : `${sessions} browsers`}</dd>
      </dl>
      <div className="account-actions">
        <SignOutButton className="button button-secondary" />
        <SignOutButton everywhere className="button" />
      </div>
      <p className="field-hint">
        Sign out everywhere ends every session of this account, on all devices, including this one.
      </p>
    </section>
  );
});
