import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { formatUtc, UtcTime } from "@/components/ui/utc-time";
import { listProjectMembers } from "@/db/queries/projects";
import { listSecretKeys } from "@/db/queries/secret-keys";
import { listSigningKeys } from "@/db/queries/signing-keys";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import { ROLE_LABELS } from "@/lib/projects/roles";
import { requireProjectAccess } from "../../../require-user";
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
          {signingKeys.length === 0 ? (
            <p className="text-sm text-slate-600">No signing keys yet: User Tokens cannot be verified until you add one.</p>
          ) : (
            <table className="w-full table-fixed text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="w-2/5 py-2 font-medium">Key ID (kid)</th>
                  <th className="py-2 font-medium">Source</th>
                  <th className="py-2 font-medium">Created</th>
                  <th className="py-2 font-medium">Status</th>
                  <th className="w-24 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {signingKeys.map((key) => (
                  <tr key={key.id}>
                    <td className="py-2 pr-2">
                      <code className="block truncate font-mono text-xs" title={key.kid}>
                        {key.kid}
                      </code>
                    </td>
                    <td className="py-2">{key.source === "generated" ? "Generated" : "Pasted"}</td>
                    <td className="py-2 text-slate-600">
                      <UtcTime date={key.createdAt} />
                    </td>
                    <td className="py-2">
                      <KeyStatus revokedAt={key.revokedAt} />
                    </td>
                    <td className="py-2 text-right">
                      {isOwner && !key.revokedAt && <RevokeSigningKeyButton projectId={project.id} keyId={key.id} kid={key.kid} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
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
          {secretKeys.length === 0 ? (
            <p className="text-sm text-slate-600">No secret keys yet.</p>
          ) : (
            <table className="w-full table-fixed text-left text-sm" aria-label="Secret keys">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="w-1/4 py-2 font-medium">Name</th>
                  <th className="py-2 font-medium">Key</th>
                  <th className="py-2 font-medium">Created</th>
                  <th className="py-2 font-medium">Last used</th>
                  <th className="w-20 py-2 font-medium">Status</th>
                  <th className="w-24 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {secretKeys.map((key) => (
                  <tr key={key.id}>
                    <td className="truncate py-2 pr-2" title={key.name}>
                      {key.name}
                    </td>
                    <td className="py-2 pr-2">
                      <code className="font-mono text-xs">{key.prefix}…</code>
                    </td>
                    <td className="py-2 pr-2 text-slate-600">
                      <UtcTime date={key.createdAt} />
                    </td>
                    <td className="py-2 pr-2 text-slate-600">{key.lastUsedAt ? <UtcTime date={key.lastUsedAt} /> : "Never"}</td>
                    <td className="py-2">
                      <KeyStatus revokedAt={key.revokedAt} />
                    </td>
                    <td className="py-2 text-right">
                      {isOwner && !key.revokedAt && <RevokeSecretKeyButton projectId={project.id} keyId={key.id} name={key.name} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
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
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 font-medium">Email</th>
              <th className="py-2 font-medium">Role</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((member) => (
              <tr key={member.userId}>
                <td className="py-2">
                  {member.email}
                  {member.userId === user.id && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                </td>
                <td className="py-2">
                  {isOwner && member.role !== "owner" ? (
                    <MemberRoleSelect projectId={project.id} userId={member.userId} email={member.email} role={member.role} />
                  ) : (
                    ROLE_LABELS[member.role]
                  )}
                </td>
                <td className="py-2 text-right">
                  {isOwner && member.role !== "owner" && (
                    <RemoveMemberButton projectId={project.id} userId={member.userId} email={member.email} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {isOwner && <AddMemberForm projectId={project.id} />}
      </Card>
    </div>
  );
}
