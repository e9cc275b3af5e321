import { SiteNav } from "@/components/SiteNav";
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { UserMenu } from "@/components/auth/UserMenu";
import { getCurrentUser } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "CKS Lab", template: "%s · CKS Lab" },
  description: "Lessons and live-graded labs for the Certified Kubernetes Security Specialist exam.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f7f8fb" },
    { media: "(prefers-color-scheme: dark)", color: "#0f1420" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand" aria-label="CKS Lab home">
            <span className="brand-mark" aria-hidden="true">
              ⎈
            </span>
            CKS Lab
          </Link>
          <SiteNav>
            <Link href="/#course">Course</Link>
            <UserMenu user={user ? { name: user.name, role: user.role } : null} />
          </SiteNav>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          Practice for the Certified Kubernetes Security Specialist exam on your own kind cluster.
        </footer>
      </body>
    </html>
  );
}
