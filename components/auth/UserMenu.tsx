import Link from "next/link";
import type { Role } from "@/lib/auth/roles";
import { ROLE_LABEL } from "@/lib/auth/roles";
import { SignOutButton } from "./SignOutButton";

/** The header's account corner: who is signed in and in which role, or links to sign in and up. */
export function UserMenu({ user }: { user: { name: string; role: Role } | null }) {
  if (!user) {
    return (
      <div className="user-menu">
        <Link href="/sign-in">Sign in</Link>
        <Link href="/sign-up" className="button button-small">
          Sign up
        </Link>
      </div>
    );
  }
  return (
    <div className="user-menu">
      <Link href="/dashboard">Progress</Link>
      <Link href="/connections">Cluster</Link>
      {user.role === "grader" || user.role === "instructor" ? <Link href="/grading">Grading</Link> : null}
      {user.role === "instructor" ? <Link href="/authoring">Authoring</Link> : null}
      {user.role === "instructor" ? <Link href="/admin">Admin</Link> : null}
      <Link href="/account" className="user-name" aria-label={`Your account: ${user.name}, ${ROLE_LABEL[user.role]}`}>
        <span className="user-name-text">{user.name}</span> <span className="badge">{ROLE_LABEL[user.role]}</span>
      </Link>
      <SignOutButton />
    </div>
  );
}
