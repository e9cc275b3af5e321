import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { OverrideForm } from "@/components/grading/OverrideForm";
import { AttemptHistory } from "@/components/progress/AttemptHistory";
import { loadAllLabs } from "@/grader";
import { listAttempts } from "@/lib/attempts/find-attempts";
import { can } from "@/lib/auth/policy";
import { page } from "@/lib/auth/session";
import { buildGradebook } from "@/lib/gradebook/build-gradebook";
import { gradebookLabs } from "@/lib/gradebook/load-gradebook";
import { listOverrides } from "@/lib/gradebook/override-grade";
import { db } from "@/lib/db/client";
import { overrideLabGrade } from "./actions";

export const metadata: Metadata = { title: "Student" };

/** One student for a grader: each lab's standing with a manual grade form, the grade history and every attempt. */
const ZStudentParamsSchema = z.object({ id: z.string().min(1).max(100) });

export default page(
  {
    action: "gradebook:read",
    params: ZStudentParamsSchema,
    returnTo: ({ id }) => `/grading/students/${encodeURIComponent(id)}`,
  },
  async ({ user, params: { id } }) => {
    const student = await db().user.findUnique({
      where: { id },
      select: { id: true, name: true, email: true, role: true },
    });
    if (!student || student.role !== "student") notFound();

    const [labs, allLabs, attempts, overrides] = await Promise.all([
      gradebookLabs(),
      loadAllLabs(),
      listAttempts(student.id, { take: 200 }),
      listOverrides(student.id),
    ]);
    const [row] = buildGradebook({
      students: [student],
      labs,
      attempts: attempts.map((a) => ({
        userId: student.id,
        labId: a.labId,
        score: a.score,
        maxScore: a.maxScore,
        unsupportedPoints: a.unsupportedPoints,
        startedAt: new Date(a.startedAt),
        status: a.status,
      })),
      overrides: overrides.map((o) => ({
        studentId: student.id,
        labId: o.labId,
        score: o.score,
        comment: o.comment,
        createdAt: o.createdAt,
      })),
    });
    const titles = Object.fromEntries(labs.map((l) => [l.id, l.title]));
    const checkOrder = Object.fromEntries(
      allLabs.map((lab) => [lab.id, lab.tasks.flatMap((t) => t.checks.map((c) => c.id))]),
    );
    const mayOverride = can(user, "grade:override", { ownerId: student.id });

    return (
      <div className="grading">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/grading">Class overview</Link> <span aria-hidden="true">/</span> <span>{student.name}</span>
        </nav>
        <header>
          <h1>{student.name}</h1>
          <p className="muted">{student.email}</p>
        </header>

        <section aria-labelledby="labs-title">
          <h2 id="labs-title">Labs</h2>
          <ul className="grading-labs">
            {row?.cells.map((cell) => (
              <li key={cell.labId} className="grading-lab" data-lab={cell.labId}>
                <div className="grading-lab-head">
                  <h3>{titles[cell.labId]}</h3>
                  <span className={`status-pill status-${cell.status}`} data-testid="cell-status">
                    {cell.status === "needs-review"
                      ? "Needs review"
                      : cell.status === "passed"
                        ? "Passed"
                        : cell.status === "in-progress"
                          ? "In progress"
                          : "Not started"}
                  </span>
                </div>
                <p>
                  Final <strong data-testid="final-score">{cell.finalScore ?? "—"}</strong> / {cell.maxScore} · best
                  automatic {cell.bestAutoScore ?? "—"} · manual {cell.manualScore ?? "—"} · {cell.attempts} attempt
                  {cell.attempts === 1 ? "" : "s"}
                </p>
                {cell.unsupportedPoints ? (
                  <p className="muted small" data-testid="cell-unsupported">
                    {cell.unsupportedPoints} pts could not be graded on the student&apos;s cluster (a node without the
                    feature they test) and are left out of the maximum. A manual grade is out of the whole lab.
                  </p>
                ) : null}
                {cell.status === "needs-review" ? (
                  <p className="banner banner-info">
                    The student checked again after the manual grade. The manual grade stands until you save a new one.
                  </p>
                ) : null}
                {mayOverride ? (
                  <OverrideForm
                    studentId={student.id}
                    labId={cell.labId}
                    maxScore={cell.maxScore}
                    current={cell.manualScore}
                    action={overrideLabGrade}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="overrides-title">
          <h2 id="overrides-title">Manual grades</h2>
          {overrides.length === 0 ? (
            <p className="empty-state">No manual grades: every score is the automatic one.</p>
          ) : (
            <div className="table-wrap" role="region" aria-label="Manual grade history" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Lab</th>
                    <th scope="col">Before → after</th>
                    <th scope="col">By</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {overrides.map((o) => (
                    <tr key={o.id}>
                      <td>{o.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                      <td>{titles[o.labId] ?? o.labId}</td>
                      <td>
                        {o.previousScore} → {o.score}
                      </td>
                      <td>{o.grader.name}</td>
                      <td>{o.comment}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="attempts-title">
          <h2 id="attempts-title">Attempts</h2>
          {attempts.length === 0 ? (
            <p className="empty-state">This student has not pressed Check yet.</p>
          ) : (
            <AttemptHistory attempts={attempts} titles={titles} checkOrder={checkOrder} />
          )}
        </section>
      </div>
    );
  },
);
