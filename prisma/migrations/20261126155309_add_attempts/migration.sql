-- CreateTable
CREATE TABLE "Attempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "labId" TEXT NOT NULL,
    "contentVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "score" INTEGER NOT NULL DEFAULT 0,
    "maxScore" INTEGER NOT NULL,
    "context" TEXT,
    "problem" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    "runningKey" TEXT,
    CONSTRAINT "Attempt_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AttemptCheck" (
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
    "evidence" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    CONSTRAINT "AttemptCheck_attemptId_fkey" FOREIGN KEY ("attemptId") REFERENCES "Attempt" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Attempt_runningKey_key" ON "Attempt"("runningKey");

-- CreateIndex
CREATE INDEX "Attempt_userId_labId_startedAt_idx" ON "Attempt"("userId", "labId", "startedAt");

-- CreateIndex
CREATE INDEX "Attempt_labId_idx" ON "Attempt"("labId");

-- CreateIndex
CREATE UNIQUE INDEX "AttemptCheck_attemptId_checkId_key" ON "AttemptCheck"("attemptId", "checkId");
