import { z } from "zod";
import { analyzeUrlAuthority, renderUrl, TemplateError, validateTemplate } from "./template";
import { type ResourceShape, variablesFor } from "./variables";

export const RESOURCE_WIZARD_STEPS = ["name", "api-info", "authorization", "request-details", "test-and-publish"] as const;
export type ResourceWizardStep = (typeof RESOURCE_WIZARD_STEPS)[number];
export const RESOURCE_WIZARD_STEP_LABELS: Record<ResourceWizardStep, string> = {
  name: "Name",
  "api-info": "API Info",
  authorization: "Authorization",
  "request-details": "Request Details",
  "test-and-publish": "Test and Publish",
};

export const RESOURCE_LEVELS = ["user", "app"] as const;
export type ResourceLevel = (typeof RESOURCE_LEVELS)[number];
export const AUTH_TYPES = ["oauth2", "api_keys"] as const;
export type AuthType = (typeof AUTH_TYPES)[number];
export const GRANT_TYPES = ["refresh_token", "client_credentials", "authorization_code"] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const identifier = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter a ${what}.` })
    .max(64, { error: "Use at most 64 characters." })
    .regex(IDENTIFIER, { error: "Use letters, digits and underscores, starting with a letter or underscore." });

// ---------------------------------------------------------------- Name

export const resourceNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter a resource name." })
  .max(64, { error: "Use at most 64 characters." });

export const nameStepSchema = z.object({ name: resourceNameSchema });
export type NameStepInput = z.input<typeof nameStepSchema>;

/** The identifier the SDK and URLs use for a resource: "TaskLab API" → "tasklab-api". */
export function resourceSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "resource";
}

// ---------------------------------------------------------------- API Info

export const apiInfoStepSchema = z
  .object({
    level: z.enum(RESOURCE_LEVELS, { error: "Choose who holds the credentials." }),
    authType: z.enum(AUTH_TYPES, { error: "Choose an authentication type." }),
    grantType: z.enum(GRANT_TYPES).nullable(),
  })
  .superRefine((value, ctx) => {
    if (value.authType === "oauth2" && !value.grantType) {
      ctx.addIssue({ code: "custom", path: ["grantType"], message: "Choose a grant type." });
    }
    if (value.authType === "oauth2" && value.grantType === "authorization_code" && value.level === "app") {
      ctx.addIssue({
        code: "custom",
        path: ["grantType"],
        message: "Authorization Code needs a User-Level resource: each end user authorizes for themselves.",
      });
    }
  })
  .transform((value) => ({ ...value, grantType: value.authType === "oauth2" ? value.grantType : null }));
export type ApiInfoStepInput = z.input<typeof apiInfoStepSchema>;
export type ApiInfo = z.output<typeof apiInfoStepSchema>;

// ---------------------------------------------------------------- shared refinements

function requireUnique<T>(
  ctx: z.RefinementCtx,
  items: readonly T[],
  get: (item: T) => string,
  path: (index: number) => PropertyKey[],
  message: string,
) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = get(item).toLowerCase();
    if (!value) return;
    if (seen.has(value)) ctx.addIssue({ code: "custom", path: path(index), message });
    seen.add(value);
  });
}

function checkTemplate(ctx: z.RefinementCtx, path: PropertyKey[], template: string, available: readonly string[]) {
  for (const message of validateTemplate(template, available)) ctx.addIssue({ code: "custom", path, message });
}

/**
 * Where end users supply the values of a URL's variables (User-Level resources), a variable
 * that chooses the server is refused unless the resource allows any host: `sends` says what
 * such a server would receive ("the Client Secret").
 */
interface HostPolicy {
  allowAnyHost: boolean;
  sends: string;
}

/**
 * A template that must render to an http(s) URL; checked with a host-safe stand-in for each
 * variable (a port number for one in the port).
 */
function checkUrlTemplate(
  ctx: z.RefinementCtx,
  path: PropertyKey[],
  template: string,
  available: readonly string[],
  hostPolicy?: HostPolicy,
) {
  const errors = validateTemplate(template, available);
  for (const message of errors) ctx.addIssue({ code: "custom", path, message });
  if (errors.length) return;
  try {
    const ports = new Set(
      analyzeUrlAuthority(template)
        .variables.filter((variable) => variable.place === "port")
        .map((variable) => variable.name),
    );
    renderUrl(template, Object.fromEntries(available.map((name) => [name, ports.has(name) ? "443" : "placeholder"])));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    ctx.addIssue({ code: "custom", path, message: `Enter a URL starting with http:// or https://. ${error.message}` });
    return;
  }
  if (hostPolicy && !hostPolicy.allowAnyHost) {
    const message = hostVariableError(template, hostPolicy.sends);
    if (message) ctx.addIssue({ code: "custom", path, message });
  }
}

/** Why a variable of a (renderable) URL template lets end users choose the server, if one does. */
export function hostVariableError(template: string, sends: string): string | undefined {
  const { variables, host } = analyzeUrlAuthority(template);
  const variable = variables.find((candidate) => !candidate.subdomainOnly);
  if (!variable) return undefined;
  const token = `{{${variable.name}}}`;
  const orAllow = "or tick Allow any host.";
  const anyServer = `end users could send ${sends} to any server.`;
  const followIt = `Follow it with your domain, e.g. ${token}.tasklab.com, ${orAllow}`;
  switch (variable.place) {
    case "scheme":
      return `${token} sets the scheme: end users could send ${sends} unencrypted or to any server. Write https:// out.`;
    case "port":
      return `${token} sets the port: end users could send ${sends} to any service on that host. Write the port out, ${orAllow}`;
    case "userinfo":
    case "host":
      if (variable.start === host.start && variable.end === host.end) return `${token} sets the whole host: ${anyServer} ${followIt}`;
      if (variable.suffix.startsWith(".")) {
        return `${token}${variable.suffix} lets end users choose the domain: they could send ${sends} to any server. Follow ${token} with your whole domain, e.g. ${token}.tasklab.com, ${orAllow}`;
      }
      return `${token} is not followed directly by your domain: ${anyServer} ${followIt}`;
  }
}

const urlText = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter the ${what}.` })
    .max(2048, { error: "Use at most 2048 characters." });

// ---------------------------------------------------------------- Authorization (User-Level)

export const requiredInputSchema = z.object({
  key: identifier("key"),
  label: z.string().trim().min(1, { error: "Enter a label." }).max(64, { error: "Use at most 64 characters." }),
});
export type RequiredInput = z.output<typeof requiredInputSchema>;

export const apiKeyNameSchema = z.object({ name: identifier("name"), secret: z.boolean() });
export type ApiKeyName = z.output<typeof apiKeyNameSchema>;

/** Which write-only secrets are already stored, so an empty field can mean "keep it". */
export interface SavedSecrets {
  clientSecret: boolean;
  /** App-Level credential values by name (API key names, `refresh_token`). */
  credentials: readonly string[];
  /**
   * Where the saved secrets go, and which App-Level values were saved as secret: a saved secret
   * must be entered again before it is sent somewhere else (a new Access Token URL or API Base
   * URL origin) or stops being masked (Secret unticked). Absent: nothing to compare with.
   */
  sentTo?: { accessTokenUrl?: string; baseUrl?: string; secretCredentials: readonly string[] };
}

/** The literal scheme://authority a URL template starts with (its origin, variables left as written). */
export function templateOrigin(template: string): string {
  return (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(template.trim())?.[0] ?? template.trim()).toLowerCase();
}

const ENTER_AGAIN_URL = "changed, so enter this secret again: a saved secret is only sent where it was entered for.";

const oauthClientFields = {
  accessTokenUrl: urlText("Access Token URL"),
  clientId: z.string().trim().min(1, { error: "Enter the Client ID." }).max(1024, { error: "Use at most 1024 characters." }),
  // Write-only: empty keeps the saved value.
  clientSecret: z.string().max(4096, { error: "Use at most 4096 characters." }),
  includeClientCredentials: z.boolean(),
};

/**
 * "Allow any host": lets a variable in a URL's host choose the whole host (and a variable stand
 * in its scheme or port). Off, or absent, by default.
 */
const allowAnyHostField = z.boolean().optional();

function checkClientSecret(ctx: z.RefinementCtx, path: PropertyKey[], value: string, saved: SavedSecrets, accessTokenUrl: string) {
  if (value) return;
  if (!saved.clientSecret) ctx.addIssue({ code: "custom", path, message: "Enter the Client Secret." });
  else if (accessTokenUrlChanged(saved, accessTokenUrl))
    ctx.addIssue({ code: "custom", path, message: `The Access Token URL ${ENTER_AGAIN_URL}` });
}

function accessTokenUrlChanged(saved: SavedSecrets, accessTokenUrl: string): boolean {
  const before = saved.sentTo?.accessTokenUrl;
  return before !== undefined && before !== accessTokenUrl.trim();
}

/** Query parameters of the authorization request that the Connect Portal sets itself: never Additional authorization parameters. */
export const PORTAL_AUTHORIZATION_PARAMETERS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
] as const;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// RFC 3986 unreserved characters and a few more that providers use in parameter names (e.g. "access_type", "prompt", "audience").
const PARAMETER_NAME = /^[A-Za-z0-9._~:[\]-]+$/;

export const authorizationParameterSchema = z.object({
  name: z.string().trim().min(1, { error: "Enter a name." }).max(256, { error: "Use at most 256 characters." }),
  // A template over Required Inputs.
  value: z.string().max(2048, { error: "Use at most 2048 characters." }),
});

/**
 * The Authorization Code grant's own settings (the Authorization step): where the Connect Portal
 * sends an end user to authorize, with which scopes, PKCE and extra parameters.
 */
export const authorizationSettingsSchema = z.object({
  authorizationUrl: urlText("Authorization URL"),
  // Space-separated; runs of spaces collapse to one.
  scopes: z
    .string()
    .max(1024, { error: "Use at most 1024 characters." })
    .transform((value) => value.trim().split(/ +/).filter(Boolean).join(" ")),
  usePkce: z.boolean(),
  parameters: z.array(authorizationParameterSchema).max(20, { error: "Use at most 20 parameters." }),
});
export type AuthorizationSettingsInput = z.input<typeof authorizationSettingsSchema>;
export type AuthorizationSettings = z.output<typeof authorizationSettingsSchema>;

function checkAuthorizationSettings(
  ctx: z.RefinementCtx,
  settings: AuthorizationSettings,
  inputs: readonly string[],
  allowAnyHost: boolean,
) {
  const path = (...rest: PropertyKey[]) => ["authorization", ...rest];
  // End users are sent here to sign in: a variable choosing the host could send them to any server.
  checkUrlTemplate(ctx, path("authorizationUrl"), settings.authorizationUrl, inputs, { allowAnyHost, sends: "their sign-in" });
  const scopes = settings.scopes ? settings.scopes.split(" ") : [];
  const bad = scopes.filter((scope) => !SCOPE_TOKEN.test(scope));
  if (bad.length) {
    ctx.addIssue({
      code: "custom",
      path: path("scopes"),
      message: `Separate scopes with spaces; a scope cannot hold control characters, quotes, backslashes or non-ASCII characters: ${bad
        .map((scope) => JSON.stringify(scope))
        .join(", ")}.`,
    });
  }
  requireUnique(
    ctx,
    settings.parameters,
    (parameter) => parameter.name,
    (i) => path("parameters", i, "name"),
    "Parameter names must be unique.",
  );
  settings.parameters.forEach((parameter, index) => {
    const reserved = PORTAL_AUTHORIZATION_PARAMETERS.find((name) => name === parameter.name.toLowerCase());
    if (reserved) {
      ctx.addIssue({
        code: "custom",
        path: path("parameters", index, "name"),
        message: `The Connect Portal sets ${reserved} itself: ${PORTAL_AUTHORIZATION_PARAMETERS.join(", ")} cannot be added here.${
          reserved === "scope" ? " Enter scopes in Scopes." : ""
        }`,
      });
    } else if (parameter.name && !PARAMETER_NAME.test(parameter.name)) {
      ctx.addIssue({
        code: "custom",
        path: path("parameters", index, "name"),
        message: "Use letters, digits and . _ ~ - : [ ] in a parameter name.",
      });
    }
    checkTemplate(ctx, path("parameters", index, "value"), parameter.value, inputs);
  });
}

/**
 * The Authorization step of an OAuth 2.0 resource. The Authorization Code grant adds its
 * `authorization` settings; the other grants have none.
 */
export function oauthAuthorizationSchema(saved: SavedSecrets, grantType: GrantType | null = null) {
  return z
    .object({
      ...oauthClientFields,
      allowAnyHost: allowAnyHostField,
      requiredInputs: z.array(requiredInputSchema).max(20, { error: "Use at most 20 inputs." }),
      authorization: authorizationSettingsSchema.optional(),
    })
    .superRefine((value, ctx) => {
      checkClientSecret(ctx, ["clientSecret"], value.clientSecret, saved, value.accessTokenUrl);
      requireUnique(
        ctx,
        value.requiredInputs,
        (input) => input.key,
        (i) => ["requiredInputs", i, "key"],
        "Input keys must be unique.",
      );
      const inputs = value.requiredInputs.filter((input) => IDENTIFIER.test(input.key)).map((input) => `inputs.${input.key}`);
      checkUrlTemplate(ctx, ["accessTokenUrl"], value.accessTokenUrl, inputs, {
        allowAnyHost: value.allowAnyHost ?? false,
        sends: "the Client Secret",
      });
      if (grantType === "authorization_code") {
        if (!value.authorization) {
          ctx.addIssue({ code: "custom", path: ["authorization", "authorizationUrl"], message: "Enter the Authorization URL." });
        } else checkAuthorizationSettings(ctx, value.authorization, inputs, value.allowAnyHost ?? false);
      } else if (value.authorization) {
        ctx.addIssue({
          code: "custom",
          path: ["authorization"],
          message: "Only the Authorization Code grant has an Authorization URL, Scopes and authorization parameters.",
        });
      }
    });
}
export type OAuthAuthorizationInput = z.input<ReturnType<typeof oauthAuthorizationSchema>>;
export type OAuthAuthorization = z.output<ReturnType<typeof oauthAuthorizationSchema>>;

export const apiKeysAuthorizationSchema = z
  .object({
    apiKeys: z.array(apiKeyNameSchema).min(1, { error: "Add at least one API key name." }).max(20, { error: "Use at most 20 API keys." }),
  })
  .superRefine((value, ctx) => {
    requireUnique(
      ctx,
      value.apiKeys,
      (key) => key.name,
      (i) => ["apiKeys", i, "name"],
      "API key names must be unique.",
    );
  });
export type ApiKeysAuthorizationInput = z.input<typeof apiKeysAuthorizationSchema>;
export type ApiKeysAuthorization = z.output<typeof apiKeysAuthorizationSchema>;

export function authorizationStepSchema(authType: AuthType, grantType: GrantType | null, saved: SavedSecrets) {
  return authType === "oauth2" ? oauthAuthorizationSchema(saved, grantType) : apiKeysAuthorizationSchema;
}

// ---------------------------------------------------------------- Request Details

export const AUTH_PRESETS = ["bearer", "basic", "header", "query", "none"] as const;
export type AuthPreset = (typeof AUTH_PRESETS)[number];

const templateText = z.string().max(4096, { error: "Use at most 4096 characters." });

export const apiAuthenticationSchema = z.object({
  preset: z.enum(AUTH_PRESETS),
  token: templateText,
  username: templateText,
  password: templateText,
  name: z.string().trim().max(256, { error: "Use at most 256 characters." }),
  value: templateText,
  custom: z
    .array(
      z.object({
        location: z.enum(["header", "query"]),
        name: z.string().trim().min(1, { error: "Enter a name." }).max(256, { error: "Use at most 256 characters." }),
        value: templateText,
      }),
    )
    .max(20, { error: "Use at most 20 rows." }),
});
export type ApiAuthentication = z.output<typeof apiAuthenticationSchema>;

export const USER_PROFILE_SOURCES = ["none", "request", "jwt"] as const;
export const userProfileSchema = z.object({
  source: z.enum(USER_PROFILE_SOURCES),
  method: z.enum(["GET", "POST"]),
  path: z.string().trim().max(2048, { error: "Use at most 2048 characters." }),
  // Dotted paths separated by commas, e.g. "id, email, team.name".
  fields: z.string().max(1024, { error: "Use at most 1024 characters." }),
  claimPath: z.string().trim().max(256, { error: "Use at most 256 characters." }),
  // A plain URL, not a template: a variable an end user fills in could point it at keys of their own.
  jwksUrl: z.string().trim().max(2048, { error: "Use at most 2048 characters." }).optional(),
});
export type UserProfileSettings = z.output<typeof userProfileSchema>;

export function profileFieldList(fields: string): string[] {
  return fields
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);
}

export const VALIDATION_REQUEST_METHODS = ["GET", "POST"] as const;

/**
 * The Validation request (User-Level resources whose end users type values): what the Connect
 * Portal sends with those values before it saves them. An empty path means none.
 */
export const validationRequestSchema = z
  .object({
    method: z.enum(VALIDATION_REQUEST_METHODS),
    path: z.string().trim().max(2048, { error: "Use at most 2048 characters." }),
  })
  .optional()
  .transform((value) => (value?.path ? value : undefined));

/** Whether a resource may have a Validation request: its end users type values (API keys, Required Inputs) that the portal can check. */
export function validationRequestAllowed(context: Pick<RequestDetailsContext, "level" | "authType" | "requiredInputs">): boolean {
  return context.level === "user" && (context.authType === "api_keys" || context.requiredInputs.length > 0);
}

const appCredentialSchema = z.object({
  name: identifier("name"),
  secret: z.boolean(),
  // Write-only: empty keeps the saved value.
  value: z.string().max(4096, { error: "Use at most 4096 characters." }),
});

export interface RequestDetailsContext extends ApiInfo {
  requiredInputs: readonly RequiredInput[];
  apiKeys: readonly ApiKeyName[];
  saved: SavedSecrets;
}

export function requestDetailsStepSchema(context: RequestDetailsContext) {
  const appLevel = context.level === "app";
  return z
    .object({
      baseUrl: urlText("API Base URL"),
      allowAnyHost: allowAnyHostField,
      authentication: apiAuthenticationSchema,
      userProfile: userProfileSchema,
      validationRequest: validationRequestSchema,
      appOAuth: z.object({ ...oauthClientFields, refreshToken: z.string().max(8192) }).optional(),
      appApiKeys: z.array(appCredentialSchema).max(20, { error: "Use at most 20 API keys." }).optional(),
    })
    .superRefine((value, ctx) => {
      const shape = requestDetailsShape(context, value);
      // App-Level values are the team's own: no end user supplies them.
      const hostPolicy = appLevel
        ? undefined
        : { allowAnyHost: value.allowAnyHost ?? false, sends: "your API requests, with their credentials," };
      checkUrlTemplate(ctx, ["baseUrl"], value.baseUrl, variablesFor("baseUrl", shape), hostPolicy);
      checkAuthentication(ctx, value.authentication, variablesFor("authentication", shape));
      if (appLevel) checkAppCredentials(ctx, context, value);
      else checkUserProfile(ctx, value.userProfile, variablesFor("profilePath", shape), context.authType);
      if (value.validationRequest) checkValidationRequest(ctx, context, value.validationRequest, variablesFor("validationPath", shape));
    });
}
export type RequestDetailsInput = z.input<ReturnType<typeof requestDetailsStepSchema>>;
export type RequestDetails = z.output<ReturnType<typeof requestDetailsStepSchema>>;

/** What the Request Details fields can refer to, from the earlier steps and this one. */
export function requestDetailsShape(
  context: RequestDetailsContext,
  value: Pick<RequestDetailsInput, "appApiKeys" | "userProfile">,
): ResourceShape {
  const appLevel = context.level === "app";
  const profile = value.userProfile;
  return {
    authType: context.authType,
    grantType: context.grantType,
    inputs: appLevel ? [] : context.requiredInputs.map((input) => input.key),
    apiKeys: appLevel ? (value.appApiKeys ?? []).map((key) => ({ name: key.name, secret: key.secret })) : context.apiKeys,
    profileFields:
      appLevel || profile.source === "none"
        ? []
        : profile.source === "request"
          ? profileFieldList(profile.fields)
          : [profile.claimPath].filter(Boolean),
  };
}

function checkAuthentication(ctx: z.RefinementCtx, auth: ApiAuthentication, available: readonly string[]) {
  const path = (field: string) => ["authentication", field];
  const required = (field: "token" | "username" | "name" | "value", message: string) => {
    if (!auth[field].trim()) ctx.addIssue({ code: "custom", path: path(field), message });
  };
  if (auth.preset === "bearer") {
    required("token", "Enter the token.");
    checkTemplate(ctx, path("token"), auth.token, available);
  }
  if (auth.preset === "basic") {
    required("username", "Enter the username.");
    checkTemplate(ctx, path("username"), auth.username, available);
    checkTemplate(ctx, path("password"), auth.password, available);
  }
  if (auth.preset === "header" || auth.preset === "query") {
    required("name", auth.preset === "header" ? "Enter the header name." : "Enter the parameter name.");
    required("value", "Enter the value.");
    if (auth.preset === "header" && auth.name && !HEADER_NAME.test(auth.name)) {
      ctx.addIssue({ code: "custom", path: path("name"), message: "Header names cannot contain spaces or separators." });
    }
    checkTemplate(ctx, path("value"), auth.value, available);
  }
  auth.custom.forEach((row, index) => {
    if (row.location === "header" && row.name && !HEADER_NAME.test(row.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["authentication", "custom", index, "name"],
        message: "Header names cannot contain spaces or separators.",
      });
    }
    checkTemplate(ctx, ["authentication", "custom", index, "value"], row.value, available);
  });
}

function checkUserProfile(ctx: z.RefinementCtx, profile: UserProfileSettings, available: readonly string[], authType: AuthType) {
  if (profile.source === "request") {
    if (!profile.path.startsWith("/")) {
      ctx.addIssue({
        code: "custom",
        path: ["userProfile", "path"],
        message: "Enter a path starting with /, relative to the API Base URL.",
      });
    }
    checkTemplate(ctx, ["userProfile", "path"], profile.path, available);
    const fields = profileFieldList(profile.fields);
    if (!fields.length) ctx.addIssue({ code: "custom", path: ["userProfile", "fields"], message: "Enter at least one field to keep." });
    const invalid = fields.filter((field) => !DOTTED_PATH.test(field));
    if (invalid.length) {
      ctx.addIssue({
        code: "custom",
        path: ["userProfile", "fields"],
        message: `Not a field path: ${invalid.join(", ")}. Use names like id or team.name.`,
      });
    }
  }
  if (profile.source === "jwt") {
    if (authType !== "oauth2") {
      ctx.addIssue({ code: "custom", path: ["userProfile", "source"], message: "A JWT field needs an OAuth 2.0 access token." });
    }
    if (!DOTTED_PATH.test(profile.claimPath)) {
      ctx.addIssue({ code: "custom", path: ["userProfile", "claimPath"], message: "Enter a claim path like sub or user.email." });
    }
    if (profile.jwksUrl && !isPlainHttpUrl(profile.jwksUrl)) {
      ctx.addIssue({
        code: "custom",
        path: ["userProfile", "jwksUrl"],
        message: "Enter a URL starting with http:// or https://, without variables, e.g. https://api.example.com/.well-known/jwks.json.",
      });
    }
  }
}

function checkValidationRequest(
  ctx: z.RefinementCtx,
  context: RequestDetailsContext,
  request: { method: string; path: string },
  available: readonly string[],
) {
  const path = ["validationRequest", "path"];
  if (!validationRequestAllowed(context)) {
    ctx.addIssue({
      code: "custom",
      path,
      message: "A Validation request is for User-Level resources whose end users type values: API Keys, or Required Inputs.",
    });
    return;
  }
  if (!request.path.startsWith("/")) {
    ctx.addIssue({ code: "custom", path, message: "Enter a path starting with /, relative to the API Base URL." });
  }
  checkTemplate(ctx, path, request.path, available);
}

function isPlainHttpUrl(text: string): boolean {
  if (!URL.canParse(text) || text.includes("{{")) return false;
  const url = new URL(text);
  return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
}

function checkAppCredentials(ctx: z.RefinementCtx, context: RequestDetailsContext, value: RequestDetailsInput) {
  if (context.authType === "oauth2") {
    const oauth = value.appOAuth;
    if (!oauth) {
      ctx.addIssue({ code: "custom", path: ["appOAuth"], message: "Enter the app's OAuth credentials." });
      return;
    }
    checkUrlTemplate(ctx, ["appOAuth", "accessTokenUrl"], oauth.accessTokenUrl.trim(), []);
    checkClientSecret(ctx, ["appOAuth", "clientSecret"], oauth.clientSecret, context.saved, oauth.accessTokenUrl);
    if (context.grantType === "refresh_token" && !oauth.refreshToken) {
      if (!context.saved.credentials.includes("refresh_token")) {
        ctx.addIssue({ code: "custom", path: ["appOAuth", "refreshToken"], message: "Enter the Refresh Token." });
      } else if (accessTokenUrlChanged(context.saved, oauth.accessTokenUrl)) {
        ctx.addIssue({ code: "custom", path: ["appOAuth", "refreshToken"], message: `The Access Token URL ${ENTER_AGAIN_URL}` });
      }
    }
    return;
  }
  const keys = value.appApiKeys ?? [];
  if (!keys.length) ctx.addIssue({ code: "custom", path: ["appApiKeys"], message: "Add at least one API key." });
  requireUnique(
    ctx,
    keys,
    (key) => key.name,
    (i) => ["appApiKeys", i, "name"],
    "API key names must be unique.",
  );
  const sentTo = context.saved.sentTo;
  const originChanged = sentTo?.baseUrl !== undefined && templateOrigin(sentTo.baseUrl) !== templateOrigin(value.baseUrl);
  keys.forEach((key, index) => {
    if (key.value) return;
    const path = ["appApiKeys", index, "value"];
    if (!context.saved.credentials.includes(key.name)) ctx.addIssue({ code: "custom", path, message: "Enter the value." });
    else if (!key.secret && sentTo?.secretCredentials.includes(key.name)) {
      ctx.addIssue({ code: "custom", path, message: "This value was saved as a secret: enter it again to save it as a plain value." });
    } else if (originChanged) ctx.addIssue({ code: "custom", path, message: `The API Base URL's origin ${ENTER_AGAIN_URL}` });
  });
}
