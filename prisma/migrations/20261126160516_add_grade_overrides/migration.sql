-- CreateTable
CREATE TABLE "GradeOverride" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studentId" TEXT NOT NULL,
    "labId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "previousScore" INTEGER NOT NULL,
    "comment" TEXT NOT NULL,
    "graderId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "GradeOverride_studentId_fkey" FOREIGN KEY ("studentId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GradeOverride_graderId_fkey" FOREIGN KEY ("graderId") REFERENCES "user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "GradeOverride_studentId_labId_createdAt_idx" ON "GradeOverride"("studentId", "labId", "createdAt");
