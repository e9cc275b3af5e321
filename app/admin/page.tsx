import type { Metadata } from "next";
import { RoleForm } from "@/components/auth/RoleForm";
import { SignUpSettingsForm } from "@/components/auth/SignUpSettingsForm";
import { page } from "@/lib/auth/session";
import { getSignUpSettings } from "@/lib/auth/settings";
import { listUsers } from "@/lib/auth/users";
import { changeRole, updateSignUpSettings } from "./actions";

export const metadata: Metadata = { title: "Admin" };

/** Instructors only: everyone's role, and who may sign up. */
export default page({ action: "admin:view", returnTo: "/admin" }, async ({ user: me }) => {
  const [users, settings] = await Promise.all([listUsers(), getSignUpSettings()]);
  return (
    <div className="admin">
      <header>
        <p className="eyebrow">Instructor</p>
        <h1>Admin</h1>
      </header>

      <section aria-labelledby="users-title" className="admin-card">
        <h2 id="users-title">People</h2>
        <p className="muted">
          {users.length} {users.length === 1 ? "account" : "accounts"}. Students grade their own work; graders will read
          everyone&apos;s progress; instructors manage roles and sign-up.
        </p>
        <div className="table-wrap">
          <table className="people-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-email={u.email}>
                  <td>
                    {u.name}
                    {u.id === me.id ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td className="email-cell">{u.email}</td>
                  <td>
                    <RoleForm
                      userId={u.id}
                      userName={u.name}
                      role={u.role}
                      disabled={u.id === me.id ? "You cannot change your own role." : undefined}
                      save={changeRole}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="signup-title" className="admin-card">
        <h2 id="signup-title">Sign-up</h2>
        <SignUpSettingsForm mode={settings.mode} inviteCode={settings.inviteCode} save={updateSignUpSettings} />
      </section>
    </div>
  );
});
