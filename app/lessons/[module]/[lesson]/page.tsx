import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { headers } from "next/headers";
import { z } from "zod";
import { BookmarkButton } from "@/components/BookmarkButton";
import { LabPanel } from "@/components/lab/LabPanel";
import { agentHub, agentLabel } from "@/lib/agent/hub";
import { LessonContent } from "@/components/LessonContent";
import { Outline, OutlineCompact } from "@/components/Outline";
import { can } from "@/lib/auth/policy";
import { page } from "@/lib/auth/session";
import { findLesson, getCourse } from "@/lib/content/course";
import { findLastAttempt } from "@/lib/attempts/find-attempts";
import { getLabView } from "@/lib/labs/lab-view";
import { getConnectionSummary } from "@/lib/connections/connection-summary";
import { requestFacts } from "@/lib/http/local-only";
import { localContextsFor } from "@/lib/labs/local-cluster";
import { isBookmarked } from "@/lib/progress/bookmarks";
import { toggleBookmark } from "./actions";

type Params = Promise<{ module: string; lesson: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { module, lesson } = await params;
  const found = await findLesson(module, lesson);
  return found ? { title: found.title, description: found.summary } : { title: "Lesson not found" };
}

const ZLessonParamsSchema = z.object({ module: z.string().max(80), lesson: z.string().max(80) });

export default page(
  {
    action: "lesson:read",
    params: ZLessonParamsSchema,
    returnTo: ({ module, lesson }) => `/lessons/${module}/${lesson}`,
  },
  async ({ user, params: { module, lesson: slug } }) => {
  const lesson = await findLesson(module, slug);
  if (!lesson) notFound();
  const course = await getCourse();
  const moduleInfo = course.modules.find((m) => m.id === lesson.moduleId);
  const mayBookmark = user !== null && can(user, "bookmark:read", { ownerId: user.id });
  const mayReadProgress = user !== null && can(user, "progress:read", { ownerId: user.id });
  const mayUseConnection = user !== null && can(user, "connection:read", { ownerId: user.id });
  const mayUseAgent = user !== null && can(user, "agent:manage", { ownerId: user.id });
  const agent = mayUseAgent ? agentHub().summaryFor(user.id) : null;
  const [bookmarked, lab, lastAttempt, saved] = await Promise.all([
    mayBookmark ? isBookmarked(user.id, lesson.id) : Promise.resolve(false),
    getLabView(lesson.id),
    mayReadProgress ? findLastAttempt(user.id, lesson.id) : Promise.resolve(null),
    mayUseConnection ? getConnectionSummary(user.id) : Promise.resolve(null),
  ]);
  const signInHref = `/sign-in?next=${encodeURIComponent(`/lessons/${lesson.id}`)}`;
  const outline = lab ? [...lesson.document.outline, { id: "practice-lab", text: "Practice lab", depth: 2 as const }] : lesson.document.outline;

  return (
    <div className="lesson-layout">
      <article className="lesson" aria-labelledby="lesson-title">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/#course">Course</Link> <span aria-hidden="true">/</span> <span>{moduleInfo?.title}</span>
        </nav>
        <header className="lesson-header">
          <h1 id="lesson-title">{lesson.title}</h1>
          <p className="lead">{lesson.summary}</p>
          <div className="lesson-meta">
            <span>{lesson.minutes} min</span>
            <span aria-hidden="true">·</span>
            <span>{moduleInfo?.title}</span>
            {mayBookmark ? (
              <BookmarkButton lessonId={lesson.id} initial={bookmarked} save={toggleBookmark} />
            ) : (
              <Link className="bookmark small" href={signInHref}>
                Sign in to bookmark
              </Link>
            )}
          </div>
        </header>
        <OutlineCompact entries={outline} />
        <LessonContent blocks={lesson.document.blocks} />
        {lab ? (
          <LabPanel
            lab={lab}
            contexts={
              user && can(user, "cluster:list-contexts") ? localContextsFor(requestFacts(await headers()), user) : null
            }
            savedConnection={saved ? { label: saved.label } : null}
            agent={agent ? agentLabel(agent) : null}
            signInHref={signInHref}
            lastAttempt={lastAttempt}
            instructions={Object.fromEntries(lab.tasks.map((task) => [task.id, <LessonContent key={task.id} blocks={task.instructions} />]))}
          />
        ) : null}
      </article>
      <Outline entries={outline} />
    </div>
  );
});
