import Link from "next/link";

export default function NotFound() {
  return (
    <section className="not-found">
      <p className="eyebrow">404</p>
      <h1>We could not find that page</h1>
      <p>The lesson may have moved or the address has a typo. Every lesson is listed in the course map.</p>
      <Link className="button" href="/#course">
        Back to the course map
      </Link>
    </section>
  );
}
