import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { DeviceApprovalForm } from "@/components/agent/DeviceApprovalForm";
import { page } from "@/lib/auth/session";
import { decideDeviceAction } from "./actions";

export const metadata: Metadata = { title: "Connect an agent" };

const ZSearchSchema = z.object({ user_code: z.string().max(20).optional().catch(undefined) });

/** Where cks-lab-agent sends the learner: approve (or deny) the code it printed. */
export default page(
  { action: "agent:approve", self: true, searchParams: ZSearchSchema, returnTo: "/device" },
  async ({ user, searchParams }) => (
    <section className="narrow-page" aria-labelledby="device-title">
      <h1 id="device-title">Connect your cluster</h1>
      <p className="lead">
        An agent started with <code>cks-lab-agent --server …</code> asks to grade labs on your cluster for{" "}
        <strong>{user.email}</strong>.
      </p>
      <div className="lab-panel">
        <p>
          Approve only if the code below is the one in <em>your</em> terminal, and you started the agent just now.
        </p>
        <DeviceApprovalForm initialCode={searchParams.user_code ?? ""} action={decideDeviceAction} />
        <p className="small muted">
          The agent keeps your kubeconfig on your machine. It runs only the reads, dry-runs and probes the labs need,
          prints each request, and refuses everything else. You can disconnect it any time on the{" "}
          <Link href="/connections">Cluster page</Link>.
        </p>
      </div>
    </section>
  ),
);
