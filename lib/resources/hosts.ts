import type { PublishedResource } from "@/db/resource-config";

// Where a published resource sends credentials: its API Base URL and Access Token URL hosts, and
// (Authorization Code) the Authorization URL host where end users sign in. A publish that moves
// them redirects every connected user's credentials, so the Audit Log and the
// `resource.published` notification say which hosts it published, before and after.

export interface HostChange {
  field: "API Base URL" | "Access Token URL" | "Authorization URL";
  /** "none" when the field was not set (a first publish). */
  before: string;
  after: string;
}

/** The host of a URL template (`https://{{inputs.subdomain}}.tasklab.com/api` → `{{inputs.subdomain}}.tasklab.com`), without any userinfo; "none" when unset. */
export function templateHost(url: string | undefined): string {
  const trimmed = url?.trim();
  if (!trimmed) return "none";
  const authority = /^[a-z][a-z\d+.-]*:\/\/([^/?#]*)/i.exec(trimmed)?.[1] ?? trimmed;
  // Userinfo (user:password@) may be a credential: never recorded.
  return authority.slice(authority.lastIndexOf("@") + 1) || "none";
}

/** The hosts a publish of `after` sends to, beside what `before` (the configuration published until now) sent to. */
export function publishedHosts(before: PublishedResource | null | undefined, after: PublishedResource): HostChange[] {
  const hosts: HostChange[] = [
    { field: "API Base URL", before: templateHost(before?.config.request?.baseUrl), after: templateHost(after.config.request?.baseUrl) },
  ];
  const tokenUrl = {
    field: "Access Token URL",
    before: templateHost(before?.config.oauth?.accessTokenUrl),
    after: templateHost(after.config.oauth?.accessTokenUrl),
  } as const;
  if (tokenUrl.before !== "none" || tokenUrl.after !== "none") hosts.push(tokenUrl);
  const authorizationUrl = {
    field: "Authorization URL",
    before: templateHost(before?.config.oauth?.authorization?.authorizationUrl),
    after: templateHost(after.config.oauth?.authorization?.authorizationUrl),
  } as const;
  if (authorizationUrl.before !== "none" || authorizationUrl.after !== "none") hosts.push(authorizationUrl);
  return hosts;
}

/** How the Audit Log lists a host: "API Base URL host: old.example → new.example". */
export function describeHostChange({ field, before, after }: HostChange): string {
  return `${field} host: ${before} → ${after}`;
}
