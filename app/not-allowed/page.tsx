import type { Metadata } from "next";
import Link from "next/link";
import { PUBLIC } from "@/lib/auth/door";
import { page } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Not allowed" };

/** Where a signed-in user lands when their role does not open a page. */
export default page({ action: PUBLIC, returnTo: "/" }, async () => {
  return (
    <section className="not-found">
      <p className="eyebrow">403</p>
      <h1>Your role does not open that page</h1>
      <p>Ask an instructor if you think you should have access.</p>
      <Link className="button" href="/#course">
        Back to the course map
      </Link>
    </section>
  );
});
