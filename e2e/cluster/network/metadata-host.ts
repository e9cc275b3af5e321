import type http from "node:http";
import { nodeIp } from "./addresses";

/**
 * A fake cloud metadata service (the EC2 instance metadata service's IMDSv1 paths), reachable from pods at
 * 169.254.169.254:80 as on a cloud node, so that a NetworkPolicy denying that address has something real
 * to deny. Every value is a made-up example: nothing here is a credential.
 */
const documents: Record<string, string> = {
  "/": "latest",
  "/latest/": "dynamic\nmeta-data\nuser-data",
  "/latest/meta-data/": "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4",
  "/latest/meta-data/ami-id": "ami-0123456789abcdef0",
  "/latest/meta-data/hostname": "ip-172-18-0-2.ec2.internal",
  "/latest/meta-data/instance-id": "i-0cks0test0node000",
  "/latest/meta-data/instance-type": "t3.medium",
  "/latest/meta-data/local-ipv4": nodeIp,
  "/latest/meta-data/iam/": "security-credentials/",
  "/latest/meta-data/iam/security-credentials/": "cks-node-role",
  "/latest/meta-data/iam/security-credentials/cks-node-role": JSON.stringify(
    {
      Code: "Success",
      Type: "AWS-HMAC",
      AccessKeyId: "ASIAEXAMPLEEXAMPLE00",
      SecretAccessKey: "example/not-a-real-secret/for-the-cks-lab",
      Token: "EXAMPLE-TOKEN",
      Expiration: "2099-01-01T00:00:00Z",
    },
    null,
    2,
  ),
};

/** Answers one metadata request. */
export function serveMetadata(request: http.IncomingMessage, response: http.ServerResponse): void {
  const path = new URL(request.url ?? "/", "http://169.254.169.254").pathname;
  const body = request.method === "GET" || request.method === "HEAD" ? documents[path] : undefined;
  if (body === undefined) {
    response.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found\n");
    return;
  }
  response.writeHead(200, { "Content-Type": "text/plain", Server: "EC2ws" }).end(body);
}
