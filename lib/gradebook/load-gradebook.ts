import { labMaxScore, loadAllLabs } from "@/grader";
import { gradedAttempts } from "@/lib/attempts/attempt-status";
import { unsupportedPointsOf } from "@/lib/attempts/best-attempt";
import { getCourse } from "@/lib/content/course";
import { db } from "@/lib/db/client";
import { analyseItems, buildGradebook, type GradebookLab, type GradebookRow, type ItemStat } from "./build-gradebook";

/** Every lab with its title, module and maximum score, in course order. */
export async function gradebookLabs(): Promise<GradebookLab[]> {
  const [course, labs] = await Promise.all([getCourse(), loadAllLabs()]);
  const order = course.modules.flatMap((m) => m.lessons.map((l) => l.id));
  return labs
    .map((lab) => ({
      id: lab.id,
      title: course.lessons.get(lab.id)?.title ?? lab.title,
      moduleId: lab.id.split("/")[0]!,
      maxScore: labMaxScore(lab),
    }))
    .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** The class gradebook: every student (role student) × every lab; only the columns a grader needs. */
export async function loadGradebook(): Promise<{ labs: GradebookLab[]; rows: GradebookRow[] }> {
  const [labs, students, attempts, overrides] = await Promise.all([
    gradebookLabs(),
    db().user.findMany({
      where: { role: "student" },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
    }),
    db().attempt.findMany({
      where: gradedAttempts,
      select: {
        userId: true,
        labId: true,
        score: true,
        maxScore: true,
        startedAt: true,
        status: true,
        checks: { where: { status: "unsupported" }, select: { status: true, points: true } },
      },
    }),
    db().gradeOverride.findMany({
      select: { studentId: true, labId: true, score: true, comment: true, createdAt: true },
    }),
  ]);
  return {
    labs,
    rows: buildGradebook({
      students,
      labs,
      attempts: attempts.map(({ checks, ...a }) => ({ ...a, unsupportedPoints: unsupportedPointsOf(checks) })),
      overrides,
    }),
  };
}

/** Item analysis over every student's latest finished attempt at each lab. */
export async function loadItemAnalysis(): Promise<ItemStat[]> {
  const attempts = await db().attempt.findMany({
    where: gradedAttempts,
    orderBy: { startedAt: "desc" },
    select: { id: true, userId: true, labId: true },
  });
  const seen = new Set<string>();
  const latestIds = attempts
    .filter((a) => !seen.has(`${a.userId} ${a.labId}`) && seen.add(`${a.userId} ${a.labId}`))
    .map((a) => a.id);
  const latest = await db().attempt.findMany({
    where: { id: { in: latestIds } },
    select: {
      userId: true,
      labId: true,
      checks: { select: { checkId: true, title: true, status: true, message: true } },
    },
  });
  return analyseItems(latest);
}
