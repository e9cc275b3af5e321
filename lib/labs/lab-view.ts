import { findLab } from "@/grader";
import { renderMarkdown } from "@/lib/content/render-markdown";
import type { Block } from "@/lib/content/markdown";

/** What the lab panel shows: tasks and checks, never the reference solution or the mutants. */
export interface LabView {
  labId: string;
  title: string;
  namespace: string;
  maxScore: number;
  contentVersion: string;
  tasks: Array<{
    id: string;
    title: string;
    points: number;
    instructions: Block[];
    checks: Array<{ id: string; title: string; points: number }>;
  }>;
}

/** The lab beside a lesson, prepared for the browser; null when the lesson has no lab. */
export async function getLabView(labId: string): Promise<LabView | null> {
  const lab = await findLab(labId);
  if (!lab) return null;
  const tasks = await Promise.all(
    lab.tasks.map(async (task) => ({
      id: task.id,
      title: task.title,
      points: task.points,
      instructions: (await renderMarkdown(task.instructions)).blocks,
      checks: task.checks.map((c) => ({ id: c.id, title: c.title, points: c.points })),
    })),
  );
  return {
    labId: lab.id,
    title: lab.title,
    namespace: lab.namespace,
    maxScore: tasks.reduce((sum, t) => sum + t.points, 0),
    contentVersion: lab.contentVersion.slice(0, 12),
    tasks,
  };
}
