import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { page } from "@/lib/auth/session";
import type { CellStatus } from "@/lib/gradebook/build-gradebook";
import { loadGradebook, loadItemAnalysis } from "@/lib/gradebook/load-gradebook";
import { getCourse } from "@/lib/content/course";

export const metadata: Metadata = { title: "Grading" };

const STATUS_LABEL: Record<CellStatus, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  passed: "Passed",
  "needs-review": "Needs review",
};
const ZFilterSchema = z.object({
  module: z.string().max(80).optional(),
  student: z.string().max(100).optional(),
  sort: z.enum(["name", "progress"]).optional(),
});

/** The class at a glance for graders and instructors: students × labs, item analysis, CSV export. */
export default page(
  { action: "gradebook:read", returnTo: "/grading", searchParams: ZFilterSchema.catch({}) },
  async ({ searchParams: filter }) => {
    const [course, { labs, rows }, items] = await Promise.all([getCourse(), loadGradebook(), loadItemAnalysis()]);
    const shownLabs = labs.filter((lab) => !filter.module || lab.moduleId === filter.module);
    const needle = filter.student?.trim().toLowerCase();
    const shownRows = rows
      .filter(
        (row) =>
          !needle ||
          row.student.name.toLowerCase().includes(needle) ||
          row.student.email.toLowerCase().includes(needle),
      )
      .sort((a, b) =>
        filter.sort === "progress"
          ? b.finalTotal / (b.maxTotal || 1) - a.finalTotal / (a.maxTotal || 1)
          : a.student.name.localeCompare(b.student.name),
      );
    const labTitle = new Map(labs.map((l) => [l.id, l.title]));

    return (
      <div className="grading">
        <header>
          <p className="eyebrow">Grading</p>
          <h1>Class overview</h1>
          <p className="lead">
            Best automatic score, manual grades and what needs a second look, for every student and lab.
          </p>
        </header>

        <form className="grading-filters" method="get">
          <label>
            Module
            <select name="module" defaultValue={filter.module ?? ""}>
              <option value="">All modules</option>
              {course.modules.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Student
            <input name="student" type="search" defaultValue={filter.student ?? ""} placeholder="Name or email" />
          </label>
          <label>
            Sort by
            <select name="sort" defaultValue={filter.sort ?? "name"}>
              <option value="name">Name</option>
              <option value="progress">Progress</option>
            </select>
          </label>
          <button type="submit" className="button button-small button-secondary">
            Apply
          </button>
          <a className="button button-small" href="/api/gradebook" download>
            Export CSV
          </a>
        </form>

        {shownRows.length === 0 ? (
          <p className="empty-state">
            {rows.length === 0 ? "No students have signed up yet." : "No student matches this filter."}
          </p>
        ) : (
          <div className="table-wrap" role="region" aria-label="Gradebook" tabIndex={0}>
            <table className="gradebook">
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  {shownLabs.map((lab) => (
                    <th key={lab.id} scope="col">
                      {lab.title}
                    </th>
                  ))}
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {shownRows.map((row) => (
                  <tr key={row.student.id} data-student={row.student.email}>
                    <th scope="row">
                      <Link href={`/grading/students/${row.student.id}`}>{row.student.name}</Link>
                      <span className="muted small block">{row.student.email}</span>
                    </th>
                    {row.cells
                      .filter((cell) => shownLabs.some((l) => l.id === cell.labId))
                      .map((cell) => (
                        <td key={cell.labId} data-lab={cell.labId}>
                          <span className={`status-pill status-${cell.status}`}>{STATUS_LABEL[cell.status]}</span>
                          <span className="cell-score">
                            {cell.finalScore ?? "—"} / {cell.maxScore}
                            {cell.manualScore !== null ? <span className="muted small"> (manual)</span> : null}
                          </span>
                          {cell.unsupportedPoints ? (
                            <span className="muted small block" data-testid="cell-unsupported">
                              {cell.unsupportedPoints} pts not gradable on the student&apos;s cluster
                            </span>
                          ) : null}
                        </td>
                      ))}
                    <td>
                      {row.finalTotal} / {row.maxTotal}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <section aria-labelledby="items-title">
          <h2 id="items-title">Where the class struggles</h2>
          {items.length === 0 ? (
            <p className="empty-state">No attempts yet: item analysis appears once students press Check.</p>
          ) : (
            <div className="table-wrap" role="region" aria-label="Item analysis" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Check</th>
                    <th scope="col">Attempted</th>
                    <th scope="col">Failing now</th>
                    <th scope="col">Not gradable</th>
                    <th scope="col">Commonest failures</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={`${item.labId} ${item.checkId}`} data-check={item.checkId}>
                      <td>
                        {item.title}
                        <span className="muted small block">{labTitle.get(item.labId) ?? item.labId}</span>
                      </td>
                      <td>{item.attempted}</td>
                      <td>{item.failingNow}</td>
                      <td
                        title={
                          item.unsupported
                            ? "Students whose cluster could not evaluate this check (a node without AppArmor): counted neither as attempted nor as failing."
                            : undefined
                        }
                      >
                        {item.unsupported}
                      </td>
                      <td>
                        {item.topFailures.map((f) => (
                          <span key={f.message} className="block small">
                            {f.count} × {f.message}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    );
  },
);
