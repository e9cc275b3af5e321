-- CreateTable
CREATE TABLE "ClusterConnection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "context" TEXT NOT NULL,
    "encryptedKubeconfig" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastTestedAt" DATETIME,
    "lastVersion" TEXT,
    CONSTRAINT "ClusterConnection_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ClusterConnection_userId_key" ON "ClusterConnection"("userId");
