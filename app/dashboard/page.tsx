import type { Metadata } from "next";
import Link from "next/link";
import { AttemptHistory } from "@/components/progress/AttemptHistory";
import { loadAllLabs } from "@/grader";
import { listAttempts } from "@/lib/attempts/find-attempts";
import { labProgressFor, type LessonProgress } from "@/lib/attempts/lab-progress";
import { page } from "@/lib/auth/session";
import { getCourse } from "@/lib/content/course";

export const metadata: Metadata = { title: "Your progress" };

const PROGRESS_LABEL: Record<LessonProgress, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  done: "Done",
};

/** A learner's own progress: per module and lesson, best and last lab scores, and every attempt. */
export default page({ action: "progress:read", self: true, returnTo: "/dashboard" }, async ({ user }) => {
  const [course, labs, progress, attempts] = await Promise.all([
    getCourse(),
    loadAllLabs(),
    labProgressFor(user.id),
    listAttempts(user.id, { take: 50 }),
  ]);
  const titles = Object.fromEntries([...course.lessons.values()].map((l) => [l.id, l.title]));
  // Checks are stored as they finish; show them in the lab's own order.
  const checkOrder = Object.fromEntries(
    labs.map((lab) => [lab.id, lab.tasks.flatMap((task) => task.checks.map((check) => check.id))]),
  );

  return (
    <div className="dashboard">
      <header>
        <p className="eyebrow">Your progress</p>
        <h1>Hello, {user.name}</h1>
        <p className="lead">Where you stand in each domain, and every Check you have pressed.</p>
      </header>

      <section aria-labelledby="by-module">
        <h2 id="by-module">By module</h2>
        <ol className="progress-modules">
          {course.modules.map((module) => {
            const done = module.lessons.filter((l) => progress.get(l.id)?.progress === "done").length;
            return (
              <li key={module.id} className="progress-module">
                <div className="progress-module-head">
                  <h3>{module.title}</h3>
                  <span className="muted">
                    {module.lessons.length === 0 ? "No lessons yet" : `${done} of ${module.lessons.length} done`}
                  </span>
                </div>
                {module.lessons.length > 0 ? (
                  <table className="progress-table">
                    <thead>
                      <tr>
                        <th scope="col">Lesson</th>
                        <th scope="col">Status</th>
                        <th scope="col">Best</th>
                        <th scope="col">Last</th>
                        <th scope="col">Attempts</th>
                      </tr>
                    </thead>
                    <tbody>
                      {module.lessons.map((lesson) => {
                        const lab = progress.get(lesson.id);
                        const state = lab?.progress ?? "not-started";
                        return (
                          <tr key={lesson.id} data-lesson={lesson.id}>
                            <td>
                              <Link href={`/lessons/${lesson.id}`}>{lesson.title}</Link>
                            </td>
                            <td>
                              <span className={`status-pill status-${state}`}>{PROGRESS_LABEL[state]}</span>
                            </td>
                            <td>
                              {lab ? `${lab.bestScore} / ${lab.maxScore}` : "—"}
                              {lab?.unsupportedPoints ? (
                                <span
                                  className="muted small block"
                                  title="Checks your cluster could not evaluate count neither for nor against you."
                                >
                                  {lab.unsupportedPoints} pts not gradable on your cluster
                                </span>
                              ) : null}
                            </td>
                            <td>
                              {lab?.lastScore !== null && lab
                                ? `${lab.lastScore} / ${lab.lastMaxScore ?? lab.maxScore}`
                                : "—"}
                            </td>
                            <td>{lab?.attempts ?? 0}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                ) : null}
              </li>
            );
          })}
        </ol>
      </section>

      <section aria-labelledby="history">
        <h2 id="history">Attempt history</h2>
        {attempts.length === 0 ? (
          <p className="empty-state">
            No attempts yet. Open a lesson, do its lab on your cluster and press <strong>Check</strong>:{" "}
            <Link href="/lessons/runtime-security/immutable-containers#practice-lab">
              start with the immutability lab
            </Link>
            .
          </p>
        ) : (
          <AttemptHistory attempts={attempts} titles={titles} checkOrder={checkOrder} />
        )}
      </section>
    </div>
  );
});
