import { describe, expect, it } from "vitest";
import { createAgentHub, type TunnelSocket } from "./hub";

/** A socket that records what the hub sent and how it closed it. */
function fakeSocket() {
  const frames: Record<string, unknown>[] = [];
  let closed: { code: number; reason: string } | null = null;
  const socket: TunnelSocket = {
    send: (text) => {
      if (closed) throw new Error("closed");
      frames.push(JSON.parse(text) as Record<string, unknown>);
    },
    close: (code, reason) => {
      closed ??= { code, reason };
    },
  };
  return { socket, frames, closed: () => closed };
}

const hello = (hostname: string) =>
  JSON.stringify({
    type: "hello",
    protocol: 1,
    hostname,
    context: "kind-cks",
    kubernetesVersion: "v1.34.0",
    agentVersion: "0.1.0",
  });

describe("the agent hub", () => {
  it("holds one agent per learner: a second replaces the first, which is told", () => {
    const hub = createAgentHub({ heartbeatMs: 60_000 });
    const first = fakeSocket();
    const a = hub.accept({ userId: "u1", userLabel: "u1", credentialId: "c1", socket: first.socket });
    expect(hub.summaryFor("u1")).toBeNull();
    a.onText(hello("laptop-a"));
    expect(hub.summaryFor("u1")).toMatchObject({ hostname: "laptop-a", kubernetesVersion: "v1.34.0" });

    const second = fakeSocket();
    hub.accept({ userId: "u1", userLabel: "u1", credentialId: "c2", socket: second.socket }).onText(hello("laptop-b"));
    expect(first.frames.at(-1)).toMatchObject({ type: "goodbye", reason: "replaced" });
    expect(first.closed()).toEqual({ code: 4001, reason: "replaced" });
    expect(hub.summaryFor("u1")).toMatchObject({ hostname: "laptop-b", credentialId: "c2" });
    // The old socket's close does not take the new agent with it.
    a.onClose();
    expect(hub.summaryFor("u1")?.hostname).toBe("laptop-b");
    expect(hub.count()).toBe(1);
    hub.disconnect("u1", "disconnected", "test over");
  });

  it("ends a tunnel whose credential was revoked within one heartbeat, telling the agent why", async () => {
    let valid = true;
    const hub = createAgentHub({ heartbeatMs: 50, credentialValid: async () => valid });
    const s = fakeSocket();
    const session = hub.accept({ userId: "u2", userLabel: "u2", credentialId: "c", socket: s.socket });
    session.onText(hello("laptop"));
    const agent = hub.agentFor("u2")!;
    const pending = agent.cluster.version();
    // Answer pings like an agent would, so only the revocation ends it.
    const pong = setInterval(() => session.onText(JSON.stringify({ type: "pong", at: Date.now() })), 20);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(s.closed()).toBeNull();
    valid = false;
    const sentBefore = s.frames.length;
    await expect.poll(() => s.closed(), { interval: 5 }).toEqual({ code: 4003, reason: "revoked" });
    clearInterval(pong);
    // Within a heartbeat: the first heartbeat after the revocation is the last one.
    expect(s.frames.slice(sentBefore).filter((f) => f.type === "ping").length).toBeLessThanOrEqual(1);
    expect(s.frames.some((f) => f.type === "goodbye" && f.reason === "revoked")).toBe(true);
    expect(await pending).toMatchObject({ ok: false, failure: { kind: "disconnected" } });
    expect(hub.agentFor("u2")).toBeNull();
  });

  it("closes an agent that stops answering heartbeats, and one that never says hello properly", async () => {
    const hub = createAgentHub({ heartbeatMs: 20 });
    const silent = fakeSocket();
    hub.accept({ userId: "u3", userLabel: "u3", credentialId: "c", socket: silent.socket }).onText(hello("laptop"));
    await expect.poll(() => silent.closed()).toEqual({ code: 4008, reason: "heartbeat" });
    expect(hub.summaryFor("u3")).toBeNull();

    const rude = fakeSocket();
    hub
      .accept({ userId: "u4", userLabel: "u4", credentialId: "c", socket: rude.socket })
      .onText('{"type":"pong","at":1}');
    expect(rude.closed()).toEqual({ code: 4002, reason: "expected hello" });
    const old = fakeSocket();
    hub
      .accept({ userId: "u5", userLabel: "u5", credentialId: "c", socket: old.socket })
      .onText(hello("x").replace('"protocol":1', '"protocol":99'));
    expect(old.frames.at(-1)).toMatchObject({ type: "goodbye", reason: "protocol" });
    expect(hub.count()).toBe(0);
  });
});
