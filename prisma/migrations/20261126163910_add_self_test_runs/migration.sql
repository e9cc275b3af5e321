-- CreateTable
CREATE TABLE "SelfTestRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "labId" TEXT NOT NULL,
    "contentVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "phases" TEXT NOT NULL DEFAULT '[]',
    "problem" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "triggeredById" TEXT NOT NULL,
    CONSTRAINT "SelfTestRun_triggeredById_fkey" FOREIGN KEY ("triggeredById") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SelfTestRun_labId_startedAt_idx" ON "SelfTestRun"("labId", "startedAt");
