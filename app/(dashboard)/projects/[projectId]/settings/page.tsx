import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import { formatUtc, UtcTime } from "@/components/ui/utc-time";
import { listProjectMembers } from "@/db/queries/projects";
import { listSecretKeys } from "@/db/queries/secret-keys";
import { listSigningKeys } from "@/db/queries/signing-keys";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import { ROLE_LABELS } from "@/lib/projects/roles";
import { requireProjectAccess } from "@/server/require-user";
import { AddMemberForm, MemberRoleSelect, RemoveMemberButton } from "./members";
import { NetworkSettingsForm } from "./network-settings-form";
import { ProjectNameForm } from "./project-name-form";
import { RateLimitForm } from "./rate-limit-form";
import { CreateSecretKeyForm, RevokeSecretKeyButton } from "./secret-keys";
import { AddPublicKeyForm, AllowedOriginsForm, GenerateSigningKey, RevokeSigningKeyButton } from "./signing-keys";

export const metadata: Metadata = { title: "Settings" };

/** Active, or Revoked with when as a tooltip: signing keys and secret keys alike. */
function KeyStatus({ revokedAt }: { revokedAt: Date | null }) {
  return revokedAt ? (
    <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600" title={`Revoked ${formatUtc(revokedAt)}`}>
      Revoked
    </span>
  ) : (
    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">Active</span>
  );
}

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, project, role } = await requireProjectAccess(projectId);
  const [members, signingKeys, secretKeys] = await Promise.all([
    listProjectMembers({ projectId }),
    listSigningKeys({ projectId }),
    listSecretKeys({ projectId }),
  ]);
  const isOwner = role === "owner";

  return (
    <div className="max-w-3xl space-y-6">
      <Card title="Project">
        <div className="space-y-6">
          <div className="space-y-1">
            <label htmlFor="project-id" className="block text-sm font-medium text-slate-800">
              Project ID
            </label>
            <div className="flex gap-2">
              <input
                id="project-id"
                readOnly
                value={project.id}
                className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
              />
              <CopyButton value={project.id} label="Copy Project ID" />
            </div>
            <p className="text-xs text-slate-500">Your SDK and API calls name the project by this ID.</p>
          </div>
          <ProjectNameForm projectId={project.id} name={project.name} />
        </div>
      </Card>

      <Card
        title="Network"
        description="Where this project's resources may send requests: test requests, token requests, profiles and workflow steps."
      >
        <NetworkSettingsForm
          projectId={project.id}
          allowPrivateNetwork={project.allowPrivateNetwork}
          allowedByServer={allowPrivateNetworkEverywhere()}
          canEdit={isOwner}
        />
      </Card>

      <Card
        title="Rate Limits"
        description="How many Connect API calls this project's servers may make; over the limit, calls answer 429 with Retry-After."
      >
        <RateLimitForm projectId={project.id} secretKeyRateLimit={project.secretKeyRateLimit} canEdit={isOwner} />
      </Card>

      <Card
        title="Signing Keys"
        description="Your backend signs User Tokens (RS256 JWTs with sub, iat and exp) with its private key; Switchboard keeps only the public key, to verify them."
      >
        <div className="space-y-6">
          <DataTable
            variant="plain"
            className="table-fixed"
            rows={signingKeys}
            rowKey={(key) => key.id}
            empty="No signing keys yet: User Tokens cannot be verified until you add one."
            columns={[
              {
                header: "Key ID (kid)",
                headerClassName: "w-2/5",
                cell: (key) => (
                  <code className="block truncate font-mono text-xs" title={key.kid}>
                    {key.kid}
                  </code>
                ),
              },
              { header: "Source", cell: (key) => (key.source === "generated" ? "Generated" : "Pasted") },
              { header: "Created", className: "text-slate-600", cell: (key) => <UtcTime date={key.createdAt} /> },
              { header: "Status", cell: (key) => <KeyStatus revokedAt={key.revokedAt} /> },
              {
                header: "Actions",
                hideHeader: true,
                headerClassName: "w-24",
                className: "text-right",
                cell: (key) => isOwner && !key.revokedAt && <RevokeSigningKeyButton projectId={project.id} keyId={key.id} kid={key.kid} />,
              },
            ]}
          />
          {isOwner ? (
            <>
              <div className="space-y-2">
                <p className="text-xs text-slate-500">
                  At most two keys are active at once, so you can rotate: add the new key, move your backend to it, then revoke the old one.
                </p>
                <GenerateSigningKey projectId={project.id} />
              </div>
              <div className="border-t border-slate-100 pt-4">
                <AddPublicKeyForm projectId={project.id} />
              </div>
            </>
          ) : (
            <p className="text-xs text-slate-500">Only the project owner can add or revoke signing keys.</p>
          )}
          {/* No aria-labelledby here: the textarea alone is labelled "Allowed Origins". */}
          <div className="space-y-2 border-t border-slate-100 pt-4">
            <h3 className="text-sm font-semibold">Allowed Origins</h3>
            <p className="text-sm text-slate-500">
              Browser calls of the SDK are accepted only from these origins. Calls from a server, which send no Origin header, are not
              affected.
            </p>
            <AllowedOriginsForm projectId={project.id} origins={project.allowedOrigins} canEdit={isOwner} />
          </div>
        </div>
      </Card>

      <Card
        title="Secret Keys"
        description="Your backend's credentials for calling the request API server to server, for any Connected User."
      >
        <div className="space-y-6">
          <p className="text-sm text-slate-600">
            Send the key as <code className="rounded bg-slate-100 px-1 font-mono text-xs">Authorization: Bearer &lt;secret key&gt;</code>{" "}
            and name the user with <code className="rounded bg-slate-100 px-1 font-mono text-xs">X-Switchboard-User: &lt;user id&gt;</code>.
            Switchboard keeps only a hash of each key: it is shown once, when you create it.
          </p>
          <DataTable
            variant="plain"
            className="table-fixed"
            label="Secret keys"
            rows={secretKeys}
            rowKey={(key) => key.id}
            empty="No secret keys yet."
            columns={[
              { header: "Name", headerClassName: "w-1/4", className: "truncate", title: (key) => key.name, cell: (key) => key.name },
              { header: "Key", cell: (key) => <code className="font-mono text-xs">{key.prefix}…</code> },
              { header: "Created", className: "text-slate-600", cell: (key) => <UtcTime date={key.createdAt} /> },
              {
                header: "Last used",
                className: "text-slate-600",
                cell: (key) => (key.lastUsedAt ? <UtcTime date={key.lastUsedAt} /> : "Never"),
              },
              { header: "Status", headerClassName: "w-20", cell: (key) => <KeyStatus revokedAt={key.revokedAt} /> },
              {
                header: "Actions",
                hideHeader: true,
                headerClassName: "w-24",
                className: "text-right",
                cell: (key) => isOwner && !key.revokedAt && <RevokeSecretKeyButton projectId={project.id} keyId={key.id} name={key.name} />,
              },
            ]}
          />
          {isOwner ? (
            <CreateSecretKeyForm projectId={project.id} />
          ) : (
            <p className="text-xs text-slate-500">Only the project owner can create or revoke secret keys.</p>
          )}
        </div>
      </Card>

      <Card
        title="Team members"
        description="Everyone here can open this project's dashboard. The Owner and Admins change resources; Members read them and work on workflows."
      >
        <DataTable
          variant="plain"
          rows={members}
          rowKey={(member) => member.userId}
          columns={[
            {
              header: "Email",
              cell: (member) => (
                <>
                  {member.email}
                  {member.userId === user.id && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                </>
              ),
            },
            {
              header: "Role",
              cell: (member) =>
                isOwner && member.role !== "owner" ? (
                  <MemberRoleSelect projectId={project.id} userId={member.userId} email={member.email} role={member.role} />
                ) : (
                  ROLE_LABELS[member.role]
                ),
            },
            {
              header: "Actions",
              hideHeader: true,
              className: "text-right",
              cell: (member) =>
                isOwner &&
                member.role !== "owner" && <RemoveMemberButton projectId={project.id} userId={member.userId} email={member.email} />,
            },
          ]}
        />
        {isOwner && <AddMemberForm projectId={project.id} />}
      </Card>
    </div>
  );
}
