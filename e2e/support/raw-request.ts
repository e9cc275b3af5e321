// One HTTP request with exactly the headers given (Host included), printed as JSON on stdout:
// {"status": 403, "headers": {...}, "body": "..."}. e2e/remote-visitor.spec.ts runs it inside a network
// namespace (ip netns exec), so the server sees a peer that is not this machine.
//
//   node --import tsx e2e/support/raw-request.ts '{"url": "http://198.18.0.1:4000/x", "headers": {"host": "localhost"}}'
import { request } from "node:http";

const spec = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
};
const url = new URL(spec.url);
const req = request(
  {
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    method: spec.method ?? "GET",
    headers: spec.headers ?? {},
    timeout: 20_000,
  },
  (res) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => {
      process.stdout.write(
        JSON.stringify({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
  },
);
req.on("timeout", () => req.destroy(new Error("timed out after 20 s")));
req.on("error", (error) => {
  process.stderr.write(`request failed: ${error.message}\n`);
  process.exit(1);
});
req.end(spec.body);
