// `npm run db:migrate:new -- <name>`: writes the migration that takes the existing
// migrations to prisma/schema.prisma, in Prisma's standard folder layout.
import { createMigration } from "@/lib/db/migrations";
import { runCli } from "./run-cli";

await runCli(async () => {
  const name = process.argv[2];
  if (!name) throw new Error("usage: npm run db:migrate:new -- <name>   (e.g. add_attempts)");
  const dir = await createMigration(name);
  console.log(dir ? `Created ${dir}/migration.sql` : "prisma/schema.prisma matches the migrations; nothing to create.");
});
