import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { openPortalPage, type PortalPage } from "@/lib/connect-portal/portal";
import { AppError } from "@/lib/errors";
import { connectKeys } from "./actions";
import { KeysForm } from "./keys-form";

export const metadata: Metadata = { title: "Connect", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type Params = Promise<{ session: string }>;

/** A session that cannot be used: why, in words. Nothing is stored. */
function SessionError({ error }: { error: AppError }) {
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">{error.status === 410 ? "This link can no longer be used" : "Could not connect"}</h1>
      <p role="alert" className="text-sm text-slate-700">
        {error.message}
      </p>
      <p className="text-sm text-slate-600">Nothing was stored. You can close this window.</p>
    </div>
  );
}

function AuthorizationCodeForm({ token, page }: { token: string; page: PortalPage }) {
  return (
    <form method="post" action={`/connect/${encodeURIComponent(token)}/authorize`} className="space-y-4">
      {page.fields.map((field) => (
        <FormField key={field.key} label={field.label}>
          <Input name={field.key} type="text" required autoComplete="off" spellCheck={false} maxLength={16 * 1024} />
        </FormField>
      ))}
      <Button type="submit" className="w-full">
        Continue
      </Button>
    </form>
  );
}

export default async function ConnectPage({ params }: { params: Params }) {
  const { session: token } = await params;
  let page: PortalPage;
  try {
    page = await openPortalPage(token);
  } catch (error) {
    if (error instanceof AppError) return <SessionError error={error} />;
    throw error;
  }
  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{page.projectName}</p>
        <h1 className="text-xl font-semibold">Connect {page.resourceName}</h1>
        {page.flow === "authorization_code" ? (
          <p className="text-sm text-slate-700">
            {page.fields.length ? "Fill in the fields below, then Continue" : "Continue"} to sign in
            {page.authorizationHost ? ` at ${page.authorizationHost}` : ` to ${page.resourceName}`} and allow access. You then come back
            here, your connection is saved, and this window closes.
          </p>
        ) : (
          <p className="text-sm text-slate-700">
            Enter your {page.resourceName} credentials.{" "}
            {page.validationHost ? `They are checked with ${page.validationHost} first, then stored` : "They are stored"} encrypted, and
            used only to call {page.resourceName} for you.
          </p>
        )}
      </div>
      {page.flow === "authorization_code" ? (
        <AuthorizationCodeForm token={token} page={page} />
      ) : (
        <KeysForm fields={page.fields} action={connectKeys.bind(null, token)} />
      )}
    </div>
  );
}
