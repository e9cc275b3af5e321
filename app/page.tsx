import Link from "next/link";
import { getCourse } from "@/lib/content/course";
import { PUBLIC } from "@/lib/auth/door";
import { can } from "@/lib/auth/policy";
import { page } from "@/lib/auth/session";
import { listBookmarkedLessonIds } from "@/lib/progress/bookmarks";

export default page({ action: PUBLIC, returnTo: "/" }, async ({ user }) => {
  const [course, bookmarked] = await Promise.all([
    getCourse(),
    user && can(user, "bookmark:read", { ownerId: user.id }) ? listBookmarkedLessonIds(user.id) : Promise.resolve([]),
  ]);
  const saved = new Set(bookmarked);
  const lessonCount = course.lessons.size;
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Certified Kubernetes Security Specialist</p>
        <h1>Learn it, break it, fix it, get it checked.</h1>
        <p className="lead">
          Short lessons on each CKS domain, and practice labs you run on your own <strong>kind</strong> cluster. Press
          Check and see which steps pass, with the evidence.
        </p>
      </section>

      <section id="course" aria-labelledby="course-title" className="course">
        <h2 id="course-title">Course map</h2>
        <p className="muted">
          {course.modules.length} modules, one per exam domain · {lessonCount}{" "}
          {lessonCount === 1 ? "lesson" : "lessons"} so far
        </p>
        <ol className="modules">
          {course.modules.map((module, index) => (
            <li key={module.id} className="module" aria-labelledby={`module-${module.id}`}>
              <div className="module-head">
                <span className="module-number" aria-hidden="true">
                  {index + 1}
                </span>
                <div>
                  <h3 id={`module-${module.id}`}>{module.title}</h3>
                  <p className="muted">{module.summary}</p>
                </div>
                <span className="weight" title="Share of the exam">
                  {module.weight}%
                </span>
              </div>
              {module.lessons.length === 0 ? (
                <p className="empty">Lessons for this domain are on their way.</p>
              ) : (
                <ul className="lesson-cards">
                  {module.lessons.map((lesson) => (
                    <li key={lesson.id}>
                      <Link className="lesson-card" href={`/lessons/${lesson.id}`}>
                        <span className="lesson-card-title">{lesson.title}</span>
                        <span className="lesson-card-summary">{lesson.summary}</span>
                        <span className="lesson-card-meta">
                          {lesson.minutes} min
                          {saved.has(lesson.id) ? <span className="badge">Bookmarked</span> : null}
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
});
