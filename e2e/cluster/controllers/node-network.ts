import type { NodeNetwork } from "../network/node-network";
import type { TController } from "./controller";

/**
 * Brings the node's network up before anything runs on it (the node, the docker host, the metadata
 * service) and tears it down after every pod has stopped: the network namespaces of this cluster go.
 */
export class NodeNetworkController implements TController {
  readonly name = "node-network";

  constructor(private readonly network: NodeNetwork) {}

  async start(): Promise<void> {
    await this.network.start();
  }

  async stop(): Promise<void> {
    await this.network.stop();
  }
}
