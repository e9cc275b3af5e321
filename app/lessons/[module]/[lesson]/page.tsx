import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { BookmarkButton } from "@/components/BookmarkButton";
import { LessonContent } from "@/components/LessonContent";
import { Outline, OutlineCompact } from "@/components/Outline";
import { findLesson, getCourse } from "@/lib/content/course";
import { isBookmarked } from "@/lib/progress/bookmarks";
import { toggleBookmark } from "./actions";

type Params = Promise<{ module: string; lesson: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { module, lesson } = await params;
  const found = await findLesson(module, lesson);
  return found ? { title: found.title, description: found.summary } : { title: "Lesson not found" };
}

export default async function LessonPage({ params }: { params: Params }) {
  await connection();
  const { module, lesson: slug } = await params;
  const lesson = await findLesson(module, slug);
  if (!lesson) notFound();
  const course = await getCourse();
  const moduleInfo = course.modules.find((m) => m.id === lesson.moduleId);
  const bookmarked = await isBookmarked(lesson.id);

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
            <BookmarkButton lessonId={lesson.id} initial={bookmarked} save={toggleBookmark} />
          </div>
        </header>
        <OutlineCompact entries={lesson.document.outline} />
        <LessonContent blocks={lesson.document.blocks} />
      </article>
      <Outline entries={lesson.document.outline} />
    </div>
  );
}
