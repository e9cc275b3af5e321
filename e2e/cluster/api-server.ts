import { timingSafeEqual } from "node:crypto";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { AdmissionChain } from "./admission/chain";
import { impersonatedUser } from "./auth/impersonation";
import { admissionPlugins } from "./admission";
import { createControllers } from "./controllers";
import type { TController } from "./controllers/controller";
import { EventRecorder } from "./controllers/event-recorder";
import { prepareHost, servingCertificate } from "./host";
import { ApiError, unauthorized } from "./k8s-status";
import { allKinds } from "./kinds";
import { clusterAdmin, type TCluster } from "./registry/kind";
import { ObjectStore } from "./registry/object-store";
import { Registry } from "./registry/registry";
import { Scheme } from "./registry/scheme";
import { internalError, rejectUpgrade, sendStatus } from "./server/responses";
import { Router } from "./server/router";
import { channelSocketServer } from "./subresources/channel-stream";
import { TokenIssuer } from "./tokens/token-issuer";

/**
 * The podman-backed API server: TLS and bearer-token authentication in front of the router, objects in
 * memory (registry and store), admission, and the controllers (the kubelet runs pods as containers).
 */
export class TestApiServer {
  /** PEM of the self-signed certificate the server presents (also its own CA). */
  readonly certificate: string;
  private readonly server: https.Server;
  private readonly cluster: TCluster;
  private readonly controllers: TController[];
  private readonly router: Router;
  private readonly events: EventRecorder;
  private readonly tokenBuffer: Buffer;

  constructor(token: string) {
    this.tokenBuffer = Buffer.from(`Bearer ${token}`);
    const scheme = new Scheme(allKinds);
    const store = new ObjectStore();
    const registry = new Registry(scheme, store, new AdmissionChain(admissionPlugins(store)));
    const tls = servingCertificate();
    this.certificate = tls.cert;
    // The serving certificate is self-signed, so it is also the CA every namespace's kube-root-ca.crt carries.
    const tokens = new TokenIssuer();
    const { kubelet, all } = createControllers({ caPem: tls.cert, tokens });
    this.controllers = all;
    this.events = new EventRecorder(store, scheme);
    this.cluster = { registry, kubelet, tokens, sockets: channelSocketServer(), streams: new Set() };
    this.router = new Router(this.cluster);
    this.server = https.createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
      this.handle(request, response).catch((error: unknown) =>
        sendStatus(response, error instanceof ApiError ? error.status : internalError(error)),
      );
    });
    this.server.on("upgrade", (request: http.IncomingMessage, socket, head: Buffer) => {
      this.upgrade(request, socket, head).catch((error: unknown) =>
        rejectUpgrade(socket, error instanceof ApiError ? error.status : internalError(error)),
      );
    });
  }

  /** Starts the controllers (the kubelet first clears a crashed run's leftovers), then listens on 127.0.0.1. */
  async listen(port = 0): Promise<number> {
    prepareHost();
    const context = { registry: this.cluster.registry, store: this.cluster.registry.store, events: this.events };
    for (const controller of this.controllers) await controller.start(context);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Ends open streams, stops the controllers (every pod's containers) and closes the listener. */
  async close(): Promise<void> {
    for (const response of this.cluster.streams) response.end();
    for (const client of this.cluster.sockets.clients) client.terminate();
    for (const controller of [...this.controllers].reverse()) await controller.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
  }

  private authorized(request: http.IncomingMessage): boolean {
    const given = Buffer.from(request.headers.authorization ?? "");
    return given.length === this.tokenBuffer.length && timingSafeEqual(given, this.tokenBuffer);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "") || "/";
    if (path === "/healthz" || path === "/readyz" || path === "/livez") {
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      return;
    }
    if (!this.authorized(request)) throw unauthorized();
    await this.router.handle(request, response, this.requestUser(request));
  }

  private async upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!this.authorized(request)) throw unauthorized();
    await this.router.upgrade(request, socket, head, this.requestUser(request));
  }

  /** The token's user, or whom it impersonates (`kubectl --as`, `--as-group`) once that is authorised. */
  private requestUser(request: http.IncomingMessage) {
    return impersonatedUser(this.cluster.registry.store, clusterAdmin, request);
  }
}
