import { z } from "zod";

const ZSegmentSchema = z.string().regex(/^[a-z0-9-]{1,80}$/);

/** The `[module]/[lesson]` segments of every per-lab route (grading, self-test), parsed to the lab id. */
export const ZLabParamsSchema = z
  .object({ module: ZSegmentSchema, lesson: ZSegmentSchema })
  .transform(({ module, lesson }) => ({ labId: `${module}/${lesson}` }));
export type TLabParams = z.infer<typeof ZLabParamsSchema>;
