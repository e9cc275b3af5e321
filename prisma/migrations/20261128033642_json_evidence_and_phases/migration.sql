-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AttemptCheck" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "attemptId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "awarded" INTEGER NOT NULL,
    "message" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "lessonHref" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "durationMs" INTEGER NOT NULL,
    CONSTRAINT "AttemptCheck_attemptId_fkey" FOREIGN KEY ("attemptId") REFERENCES "Attempt" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AttemptCheck" ("attemptId", "awarded", "checkId", "durationMs", "evidence", "hint", "id", "lessonHref", "message", "outcome", "points", "status", "taskId", "title") SELECT "attemptId", "awarded", "checkId", "durationMs", "evidence", "hint", "id", "lessonHref", "message", "outcome", "points", "status", "taskId", "title" FROM "AttemptCheck";
DROP TABLE "AttemptCheck";
ALTER TABLE "new_AttemptCheck" RENAME TO "AttemptCheck";
CREATE UNIQUE INDEX "AttemptCheck_attemptId_checkId_key" ON "AttemptCheck"("attemptId", "checkId");
CREATE TABLE "new_SelfTestRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "labId" TEXT NOT NULL,
    "contentVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "phases" JSONB NOT NULL,
    "problem" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "triggeredById" TEXT NOT NULL,
    CONSTRAINT "SelfTestRun_triggeredById_fkey" FOREIGN KEY ("triggeredById") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SelfTestRun" ("contentVersion", "finishedAt", "id", "labId", "phases", "problem", "startedAt", "status", "target", "triggeredById") SELECT "contentVersion", "finishedAt", "id", "labId", "phases", "problem", "startedAt", "status", "target", "triggeredById" FROM "SelfTestRun";
DROP TABLE "SelfTestRun";
ALTER TABLE "new_SelfTestRun" RENAME TO "SelfTestRun";
CREATE INDEX "SelfTestRun_labId_startedAt_idx" ON "SelfTestRun"("labId", "startedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
