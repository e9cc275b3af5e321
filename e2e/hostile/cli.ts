// Runs the hostile API server in its own process (spawned by e2e/hostile/index.ts), so the process under
// test measures only its own memory and event loop. Talks to its parent over the IPC channel.
import { SCENARIOS, startHostileServer } from "./hostile-server";

const server = await startHostileServer();
const send = (message: unknown) => process.send?.(message);
send({
  type: "ready",
  servers: Object.fromEntries(SCENARIOS.map((s) => [s, { url: server.serverUrl(s), ca: server.caPem(s) }])),
  canaryUrl: server.canaryUrl,
});
process.on("message", (message: { type?: string; id?: number }) => {
  if (message.type === "stats") send({ type: "stats", id: message.id, stats: server.stats() });
  if (message.type === "stop") void server.stop().then(() => process.exit(0));
});
// The parent went away: nothing should outlive it.
process.on("disconnect", () => void server.stop().then(() => process.exit(0)));
