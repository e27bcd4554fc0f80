import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyzeUrlAuthority,
  findVariableQuery,
  insertVariable,
  parseTemplate,
  renderHeaderValue,
  renderTemplate,
  renderUrl,
  TEMPLATE_NAMESPACES,
  TemplateError,
  templateVariableNames,
  urlTemplateSetsHost,
  validateTemplate,
} from "./template";

function templateError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("Expected a TemplateError");
}

describe("parseTemplate", () => {
  it("splits text and variables, with token positions", () => {
    expect(parseTemplate("https://{{inputs.subdomain}}.example.com/{{ profile.team.id }}")).toEqual([
      { type: "text", value: "https://" },
      { type: "variable", name: "inputs.subdomain", namespace: "inputs", key: "subdomain", start: 8, end: 28 },
      { type: "text", value: ".example.com/" },
      { type: "variable", name: "profile.team.id", namespace: "profile", key: "team.id", start: 41, end: 62 },
    ]);
  });

  it("returns no parts for an empty template and one text part for plain text", () => {
    expect(parseTemplate("")).toEqual([]);
    expect(parseTemplate("plain")).toEqual([{ type: "text", value: "plain" }]);
  });

  it("ignores whitespace inside the braces", () => {
    const [compact] = parseTemplate("{{inputs.subdomain}}");
    const [spaced] = parseTemplate("{{ \t inputs.subdomain  }}");
    expect(spaced).toMatchObject({ name: "inputs.subdomain", namespace: "inputs", key: "subdomain" });
    expect(compact).toMatchObject({ name: "inputs.subdomain", namespace: "inputs", key: "subdomain" });
  });

  it("accepts every namespace, and dotted keys for profile", () => {
    for (const namespace of TEMPLATE_NAMESPACES) {
      expect(parseTemplate(`{{${namespace}.api_key2}}`)).toEqual([
        { type: "variable", name: `${namespace}.api_key2`, namespace, key: "api_key2", start: 0, end: 13 + namespace.length },
      ]);
    }
    expect(parseTemplate("{{profile.team.id}}")[0]).toMatchObject({ namespace: "profile", key: "team.id" });
    expect(parseTemplate("{{profile.a.b_c.D9}}")[0]).toMatchObject({ key: "a.b_c.D9" });
  });

  it("treats lone braces outside tokens as text", () => {
    expect(parseTemplate('{"a": {}} }} { x } }')).toEqual([{ type: "text", value: '{"a": {}} }} { x } }' }]);
    expect(parseTemplate("{ {{inputs.a}} }}")).toEqual([
      { type: "text", value: "{ " },
      { type: "variable", name: "inputs.a", namespace: "inputs", key: "a", start: 2, end: 14 },
      { type: "text", value: " }}" },
    ]);
  });

  it("rejects an unclosed {{ with its 1-based position", () => {
    const error = templateError(() => parseTemplate("abc {{inputs.a"));
    expect(error.message).toBe('Unclosed "{{" at position 5.');
    expect(error.index).toBe(4);
    expect(error.name).toBe("TemplateError");
    expect(error).toBeInstanceOf(Error);
    expect(templateError(() => parseTemplate("{{inputs.a}} {{")).message).toBe('Unclosed "{{" at position 14.');
  });

  it("rejects an empty variable", () => {
    expect(templateError(() => parseTemplate("x{{}}")).message).toBe("Empty variable at position 2.");
    const error = templateError(() => parseTemplate("ab{{   }}"));
    expect(error.message).toBe("Empty variable at position 3.");
    expect(error.index).toBe(2);
  });

  it.each([
    ["{{ foo }}", "{{ foo }}"],
    ["x {{secrets.key}} y", "{{secrets.key}}"],
    ["{{inputs}}", "{{inputs}}"],
    ["{{inputs.}}", "{{inputs.}}"],
    ["{{inputs.1abc}}", "{{inputs.1abc}}"],
    ["{{inputs.a.b}}", "{{inputs.a.b}}"],
    ["{{credentials.api-key}}", "{{credentials.api-key}}"],
    ["{{profile.team.}}", "{{profile.team.}}"],
    ["{{profile..id}}", "{{profile..id}}"],
    ["{{ inputs . a }}", "{{ inputs . a }}"],
    ["{{Inputs.a}}", "{{Inputs.a}}"],
    ["{{inputs.a | upper}}", "{{inputs.a | upper}}"],
  ])("rejects %j as not a variable", (template, token) => {
    const error = templateError(() => parseTemplate(template));
    expect(error.message).toBe(`"${token}" is not a variable: use {{ inputs.name }}, {{ credentials.name }} or {{ profile.name }}.`);
    expect(error.index).toBe(template.indexOf("{{"));
  });
});

describe("templateVariableNames", () => {
  it("lists distinct names in order of first use", () => {
    expect(
      templateVariableNames("{{profile.team.id}}/{{ inputs.a }}/{{inputs.a}}/{{credentials.access_token}}/{{profile.team.id}}"),
    ).toEqual(["profile.team.id", "inputs.a", "credentials.access_token"]);
    expect(templateVariableNames("no variables")).toEqual([]);
  });

  it("throws like parseTemplate", () => {
    expect(() => templateVariableNames("{{oops}}")).toThrow(TemplateError);
  });
});

describe("validateTemplate", () => {
  const available = ["inputs.subdomain", "credentials.api_key", "profile.team.id"];

  it("accepts a template using only available variables", () => {
    expect(validateTemplate("https://{{ inputs.subdomain }}.example.com?k={{credentials.api_key}}", available)).toEqual([]);
    expect(validateTemplate("no variables", [])).toEqual([]);
  });

  it("returns the parse error alone", () => {
    expect(validateTemplate("{{inputs.nope}} {{", available)).toEqual(['Unclosed "{{" at position 17.']);
    expect(validateTemplate("{{ }}", available)).toEqual(["Empty variable at position 1."]);
  });

  it("suggests the closest available name within distance 2", () => {
    expect(validateTemplate("{{inputs.subdmain}}", available)).toEqual([
      'Unknown variable "inputs.subdmain". Did you mean "inputs.subdomain"?',
    ]);
    expect(validateTemplate("{{inputs.ab}}", ["inputs.xy", "inputs.abc", "inputs.a"])).toEqual([
      'Unknown variable "inputs.ab". Did you mean "inputs.abc"?',
    ]);
  });

  it("lists the available names when none is close", () => {
    expect(validateTemplate("{{inputs.region}}", available)).toEqual([
      'Unknown variable "inputs.region". Available here: inputs.subdomain, credentials.api_key, profile.team.id.',
    ]);
  });

  it("says when no variables are available", () => {
    expect(validateTemplate("{{inputs.subdomain}}", [])).toEqual(['Unknown variable "inputs.subdomain". No variables are available here.']);
  });

  it("reports each distinct unknown variable once", () => {
    expect(validateTemplate("{{inputs.x}}{{inputs.subdomain}}{{ inputs.x }}{{profile.team.idd}}", available)).toEqual([
      'Unknown variable "inputs.x". Available here: inputs.subdomain, credentials.api_key, profile.team.id.',
      'Unknown variable "profile.team.idd". Did you mean "profile.team.id"?',
    ]);
  });
});

describe("renderTemplate", () => {
  it("substitutes values verbatim", () => {
    expect(
      renderTemplate("Bearer {{ credentials.access_token }} for {{profile.team.id}}{{inputs.a}}", {
        "credentials.access_token": "t0k/en?&=",
        "profile.team.id": "{{inputs.a}}",
        "inputs.a": "$&$1",
      }),
    ).toBe("Bearer t0k/en?&= for {{inputs.a}}$&$1");
    expect(renderTemplate("{ plain }", {})).toBe("{ plain }");
    expect(renderTemplate("[{{inputs.a}}]", { "inputs.a": "" })).toBe("[]");
  });

  it("rejects a variable with no value", () => {
    expect(templateError(() => renderTemplate("{{inputs.x}}", { "inputs.y": "1" })).message).toBe('No value for "inputs.x".');
  });

  it("does not read values from Object.prototype", () => {
    expect(() => renderTemplate("{{inputs.constructor}}", {})).toThrow('No value for "inputs.constructor".');
    expect(() => renderTemplate("{{inputs.__proto__}}", {})).toThrow(TemplateError);
  });

  it("throws parse errors", () => {
    expect(() => renderTemplate("{{inputs.a", { "inputs.a": "x" })).toThrow('Unclosed "{{" at position 1.');
  });
});

describe("renderHeaderValue", () => {
  it("renders like renderTemplate", () => {
    expect(renderHeaderValue("Bearer {{credentials.access_token}}", { "credentials.access_token": "abc" })).toBe("Bearer abc");
  });

  it.each([["a\r\nX-Evil: 1"], ["a\nb"], ["a\rb"], ["a\0b"]])("rejects %j", (value) => {
    expect(
      templateError(() => renderHeaderValue("Bearer {{credentials.access_token}}", { "credentials.access_token": value })).message,
    ).toBe("Header values cannot contain line breaks.");
  });

  it("rejects line breaks written in the template itself", () => {
    expect(() => renderHeaderValue("a\nb", {})).toThrow("Header values cannot contain line breaks.");
  });
});

describe("renderUrl", () => {
  it("returns a URL with host values verbatim and path and query values encoded", () => {
    const url = renderUrl("https://{{inputs.subdomain}}.example.com:8443/v1/{{inputs.path}}?q={{inputs.q}}&x=1#{{inputs.f}}", {
      "inputs.subdomain": "acme-eu.prod",
      "inputs.path": "a/../b?c#d",
      "inputs.q": "x&y=z#w @:+%20",
      "inputs.f": "frag ment/#",
    });
    expect(url).toBeInstanceOf(URL);
    expect(url.hostname).toBe("acme-eu.prod.example.com");
    expect(url.port).toBe("8443");
    expect(url.pathname).toBe("/v1/a%2F..%2Fb%3Fc%23d");
    expect(url.searchParams.get("q")).toBe("x&y=z#w @:+%20");
    expect(url.searchParams.get("x")).toBe("1");
    expect([...url.searchParams.keys()]).toEqual(["q", "x"]);
    expect(decodeURIComponent(url.hash.slice(1))).toBe("frag ment/#");
  });

  it("keeps @ and : in a path value from becoming credentials or a host", () => {
    const url = renderUrl("https://api.example.com/{{inputs.a}}", { "inputs.a": "//evil.example:1@other.example/x" });
    expect(url.host).toBe("api.example.com");
    expect(url.username).toBe("");
    expect(decodeURIComponent(url.pathname.slice(1))).toBe("//evil.example:1@other.example/x");
  });

  it("encodes a whole-URL variable, so it cannot supply scheme or host", () => {
    expect(() => renderUrl("{{inputs.url}}", { "inputs.url": "https://evil.example" })).toThrow(
      '"inputs.url" must be a host name (letters, digits, dots and hyphens) to be used in the host.',
    );
  });

  it.each([["evil.example/x"], ["evil.example:80"], ["user@evil.example"], ["a b"], ["-a"], ["a."], [""], ["ex%61mple"], ["exämple"]])(
    "rejects %j in the host",
    (value) => {
      const error = templateError(() => renderUrl("https://{{inputs.x}}.example.com/", { "inputs.x": value }));
      expect(error.message).toBe('"inputs.x" must be a host name (letters, digits, dots and hyphens) to be used in the host.');
    },
  );

  it("applies the host check to every value before the first / ? or # after ://", () => {
    expect(() => renderUrl("https://example.com:{{inputs.port}}/", { "inputs.port": "80/x" })).toThrow(TemplateError);
    expect(renderUrl("https://example.com:{{inputs.port}}/", { "inputs.port": "8080" }).port).toBe("8080");
    expect(() => renderUrl("https:{{inputs.h}}/x", { "inputs.h": "evil.example/" })).toThrow("to be used in the host.");
    expect(renderUrl("http://[::1]:{{inputs.port}}/{{inputs.p}}", { "inputs.port": "81", "inputs.p": "a:b" }).href).toBe(
      "http://[::1]:81/a%3Ab",
    );
  });

  it("treats \\ as the end of the host, as the URL parser does", () => {
    const url = renderUrl("https://api.example.com\\{{inputs.a}}", { "inputs.a": "x@evil.example" });
    expect(url.hostname).toBe("api.example.com");
    expect(decodeURIComponent(url.pathname)).toBe("/x@evil.example");
  });

  it.each([
    ["https://api.example.com/v1/{{inputs.a}}/x", "."],
    ["https://api.example.com/v1/{{inputs.a}}", ".."],
    ["https://api.example.com/v1/%2e{{inputs.a}}?x", "."],
    ["https://api.example.com\\{{inputs.a}}\\x", ".."],
  ])("rejects a value that makes a dot segment: %s with %j", (template, value) => {
    expect(() => renderUrl(template, { "inputs.a": value })).toThrow('"inputs.a" cannot be "." or ".." in a URL path.');
  });

  it("keeps an encoded dot as data", () => {
    expect(renderUrl("https://api.example.com/v1/{{inputs.a}}", { "inputs.a": "%2e%2e" }).pathname).toBe("/v1/%252e%252e");
  });

  it("allows dots inside a segment and in the query", () => {
    expect(renderUrl("https://api.example.com/v1/{{inputs.a}}", { "inputs.a": "..." }).pathname).toBe("/v1/...");
    expect(renderUrl("https://api.example.com/v1/x{{inputs.a}}", { "inputs.a": ".." }).pathname).toBe("/v1/x..");
    expect(renderUrl("https://api.example.com/v1?q={{inputs.a}}", { "inputs.a": ".." }).searchParams.get("q")).toBe("..");
  });

  it("rejects a result that is not a URL", () => {
    expect(templateError(() => renderUrl("/v1/{{inputs.a}}", { "inputs.a": "x y" })).message).toBe('"/v1/x%20y" is not a valid URL.');
    expect(() => renderUrl("https://exa mple.com/", {})).toThrow('"https://exa mple.com/" is not a valid URL.');
  });

  it.each([
    ["ftp://example.com/{{inputs.a}}"],
    ["javascript:{{inputs.a}}"],
    ["file:///etc/{{inputs.a}}"],
    ["data:text/plain,{{inputs.a}}"],
  ])("rejects the scheme of %j", (template) => {
    expect(templateError(() => renderUrl(template, { "inputs.a": "x" })).message).toBe("Only http:// and https:// URLs are allowed.");
  });

  it("rejects a username or password", () => {
    expect(() => renderUrl("https://user:pass@api.example.com/", {})).toThrow("URLs cannot contain a username or password.");
    expect(() => renderUrl("https://{{credentials.user}}@api.example.com/", { "credentials.user": "admin" })).toThrow(
      "URLs cannot contain a username or password.",
    );
  });

  it.each([
    ["evil.example#"],
    ["evil.example/"],
    ["x.evil.example?"],
    ["evil.example\\"],
    ["evil.example:443"],
    ["evil.example@"],
    ["user@evil.example"],
    ["evil.example%2f"],
    ["evil.example%23"],
    ["evil.example."],
    [".evil.example"],
    ["evil..example"],
    ["evil example"],
    ["evil.example\t"],
    ["evil.example\n"],
    ["[::1]"],
  ])("keeps a host value in front of its literal domain: refuses %j", (value) => {
    expect(() => renderUrl("https://{{inputs.subdomain}}.tasklab.com/oauth/token", { "inputs.subdomain": value })).toThrow(
      '"inputs.subdomain" must be a host name (letters, digits, dots and hyphens) to be used in the host.',
    );
  });

  it.each([["acme"], ["acme.eu"], ["EVIL.example"], ["1.2.3.4"], ["0x7f"]])("renders %j as a subdomain of the literal domain", (value) => {
    const url = renderUrl("https://{{inputs.subdomain}}.TaskLab.com/oauth/token", { "inputs.subdomain": value });
    expect(url.hostname).toBe(`${value.toLowerCase()}.tasklab.com`);
    expect(url.pathname).toBe("/oauth/token");
  });

  it("checks an internationalised literal domain as the URL parser writes it", () => {
    expect(renderUrl("https://{{inputs.subdomain}}.Bücher.de/", { "inputs.subdomain": "acme" }).hostname).toBe("acme.xn--bcher-kva.de");
  });

  it("applies the host check after any run of / and \\ that follows the scheme", () => {
    for (const template of ["https:/{{inputs.h}}/x", "https:///{{inputs.h}}/x", "https:\\\\{{inputs.h}}/x", "https:/\\{{inputs.h}}/x"]) {
      expect(() => renderUrl(template, { "inputs.h": "evil.example/" }), template).toThrow("to be used in the host.");
      expect(renderUrl(template, { "inputs.h": "api.example" }).href).toBe("https://api.example/x");
    }
  });

  it("refuses text the URL parser would strip, which could make a host of what looks like a path", () => {
    expect(() => renderUrl("ht\ttps://api.example.com/{{inputs.a}}", { "inputs.a": "x" })).toThrow(
      "URLs cannot contain tabs or line breaks, or start or end with a space.",
    );
    expect(() => renderUrl(" https://api.example.com/", {})).toThrow(TemplateError);
  });

  it("rejects missing values", () => {
    expect(() => renderUrl("https://api.example.com/{{inputs.a}}", {})).toThrow('No value for "inputs.a".');
  });
});

describe("analyzeUrlAuthority", () => {
  it.each([
    ["https://api.tasklab.com/v1/{{inputs.a}}?q={{inputs.b}}#{{inputs.c}}"],
    ["https://tasklab.com:8443/{{credentials.api_key}}"],
    ["no variables at all"],
  ])("finds no variable that chooses the server in %j", (template) => {
    expect(analyzeUrlAuthority(template)).toMatchObject({ variables: [], domainFixed: true });
  });

  it.each([
    ["https://{{inputs.subdomain}}.tasklab.com/oauth/token", ".tasklab.com"],
    ["https://{{ inputs.subdomain }}.eu.tasklab.com", ".eu.tasklab.com"],
    ["https://{{inputs.subdomain}}.tasklab.com:8443/api", ".tasklab.com"],
    ["https://{{inputs.subdomain}}.tasklab.com./api", ".tasklab.com."],
    ["https://{{inputs.subdomain}}.TaskLab.COM?x=1", ".TaskLab.COM"],
    ["https://acme-{{inputs.subdomain}}.tasklab.com#x", ".tasklab.com"],
    ["https://{{inputs.subdomain}}.bücher.de/", ".bücher.de"],
    ["http://{{inputs.subdomain}}.tasklab.com\\api", ".tasklab.com"],
    ["https://{{credentials.account}}.tasklab.co.uk/v1", ".tasklab.co.uk"],
  ])("accepts %j: a subdomain of a literal domain", (template, suffix) => {
    const { variables, domainFixed } = analyzeUrlAuthority(template);
    expect(domainFixed).toBe(true);
    expect(variables).toHaveLength(1);
    expect(variables[0]).toMatchObject({ place: "host", suffix, subdomainOnly: true });
  });

  it.each<[string, string, "scheme" | "userinfo" | "host" | "port", string]>([
    // The whole host, or a domain of one label.
    ["https://{{inputs.host}}/oauth/token", "inputs.host", "host", ""],
    ["https://{{inputs.host}}", "inputs.host", "host", ""],
    ["https://{{inputs.host}}.com/token", "inputs.host", "host", ".com"],
    ["https://{{inputs.host}}.com./token", "inputs.host", "host", ".com."],
    // Not followed by a literal domain at all.
    ["https://api.{{inputs.tld}}/token", "inputs.tld", "host", ""],
    ["https://{{inputs.a}}{{inputs.b}}.tasklab.com/token", "inputs.a", "host", ""],
    ["https://{{inputs.a}}.{{inputs.b}}.tasklab.com/token", "inputs.a", "host", ""],
    ["https://{{inputs.a}}-eu.tasklab.com/token", "inputs.a", "host", "-eu.tasklab.com"],
    // What follows is not a domain: an IPv4 address to the URL parser, an empty label, an encoded dot.
    ["https://{{inputs.a}}.10.0.0/token", "inputs.a", "host", ".10.0.0"],
    ["https://{{inputs.a}}.tasklab.0x7f/token", "inputs.a", "host", ".tasklab.0x7f"],
    ["https://{{inputs.a}}..tasklab.com/token", "inputs.a", "host", "..tasklab.com"],
    ["https://{{inputs.a}}.tasklab%2ecom/token", "inputs.a", "host", ".tasklab%2ecom"],
    // The port, the scheme, a username.
    ["https://{{inputs.sub}}.tasklab.com:{{inputs.port}}/token", "inputs.port", "port", ""],
    ["https://tasklab.com:{{inputs.port}}/token", "inputs.port", "port", ""],
    ["http://[::1]:{{inputs.port}}/token", "inputs.port", "port", ""],
    ["{{inputs.scheme}}://tasklab.com/token", "inputs.scheme", "scheme", ""],
    ["https://{{credentials.user}}@api.tasklab.com/token", "credentials.user", "userinfo", ""],
    // The URL parser reads a host after any run of / and \ that follows "https:".
    ["https:{{inputs.host}}/token", "inputs.host", "host", ""],
    ["https:/{{inputs.host}}/token", "inputs.host", "host", ""],
    ["https:///{{inputs.host}}/token", "inputs.host", "host", ""],
    ["https:\\\\{{inputs.host}}/token", "inputs.host", "host", ""],
    ["https:/\\/{{inputs.host}}/token", "inputs.host", "host", ""],
    // No scheme: not a URL, and everything before the first delimiter counts as the host.
    ["{{inputs.host}}/token", "inputs.host", "host", ""],
  ])("refuses %j: %s chooses the server", (template, name, place, suffix) => {
    const { variables, domainFixed } = analyzeUrlAuthority(template);
    expect(domainFixed).toBe(false);
    expect(variables.find((variable) => !variable.subdomainOnly)).toMatchObject({ name, place, suffix, subdomainOnly: false });
  });

  it("lists every variable before the end of the authority with its position, and where the host stands", () => {
    const template = "https://{{inputs.sub}}.tasklab.com:{{inputs.port}}/{{inputs.path}}";
    expect(analyzeUrlAuthority(template)).toEqual({
      variables: [
        { name: "inputs.sub", start: 8, end: 22, place: "host", suffix: ".tasklab.com", subdomainOnly: true },
        { name: "inputs.port", start: 35, end: 50, place: "port", suffix: "", subdomainOnly: false },
      ],
      host: { start: 8, end: 34 },
      domainFixed: false,
    });
  });

  it.each([
    ["https:/{{inputs.host}}/token"],
    ["https:///{{inputs.host}}/token"],
    ["https:\\\\{{inputs.host}}/token"],
    ["https:{{inputs.host}}/token"],
    ["https://{{inputs.host}}/token"],
  ])("places the host where the URL parser reads it: %j", (template) => {
    const { variables, host } = analyzeUrlAuthority(template);
    expect(variables[0]).toMatchObject({ place: "host", start: host.start, end: host.end });
    expect(renderUrl(template, { "inputs.host": "evil.example" }).hostname).toBe("evil.example");
  });

  it("refuses text the URL parser would strip, and throws parse errors", () => {
    for (const template of [
      "ht\ttps://{{inputs.host}}/x",
      "https://\n{{inputs.host}}/x",
      "https:/\r/{{inputs.host}}",
      " https://{{inputs.host}}",
      "https://{{inputs.host}} ",
    ]) {
      expect(() => analyzeUrlAuthority(template), JSON.stringify(template)).toThrow(
        "URLs cannot contain tabs or line breaks, or start or end with a space.",
      );
    }
    expect(() => analyzeUrlAuthority("https://{{inputs.host")).toThrow(TemplateError);
  });
});

describe("urlTemplateSetsHost", () => {
  it.each([
    ["https://{{inputs.host}}/token", true],
    ["https://{{inputs.subdomain}}.tasklab.com/token", true],
    ["https://tasklab.com:{{inputs.port}}", true],
    ["https://tasklab.com/{{inputs.path}}", false],
    ["https://tasklab.com", false],
    ["", false],
    ["https://{{inp", false],
    ["https://{{inputs.host}}\t", false],
  ])("%j → %s", (template, expected) => {
    expect(urlTemplateSetsHost(template)).toBe(expected);
  });
});

describe("findVariableQuery", () => {
  it.each<[string, number, { start: number; query: string } | undefined]>([
    ["https://{{inp", 13, { start: 8, query: "inp" }],
    ["https://{{", 10, { start: 8, query: "" }],
    ["{{  profile.team.", 17, { start: 0, query: "profile.team." }],
    ["{{inp}} more", 5, { start: 0, query: "inp" }],
    ["{{inputs.a}} x", 14, undefined],
    ["{{inputs.a}}", 12, undefined],
    ["{{inputs.a}} {{cr", 17, { start: 13, query: "cr" }],
    ["{{inp ut", 8, undefined],
    ["{{inputs-a", 10, undefined],
    ["no braces", 4, undefined],
    ["https://{{inp", 7, undefined],
    ["{", 1, undefined],
  ])("%j at %i", (text, cursor, expected) => {
    expect(findVariableQuery(text, cursor)).toEqual(expected);
  });
});

describe("insertVariable", () => {
  it("replaces the query with the variable and puts the cursor after it", () => {
    expect(insertVariable("https://{{inp", { start: 8 }, 13, "inputs.subdomain")).toEqual({
      text: "https://{{inputs.subdomain}}",
      cursor: 28,
    });
    expect(insertVariable("a {{ inp/b", { start: 2 }, 8, "inputs.x")).toEqual({ text: "a {{inputs.x}}/b", cursor: 14 });
  });

  it("consumes a }} right after the cursor", () => {
    expect(insertVariable("x{{inp}}/y", { start: 1 }, 6, "inputs.a")).toEqual({ text: "x{{inputs.a}}/y", cursor: 13 });
  });

  it("replaces the rest of the token when the cursor is inside one", () => {
    expect(insertVariable("{{inputs.sub}}.example", { start: 0 }, 5, "inputs.subdomain")).toEqual({
      text: "{{inputs.subdomain}}.example",
      cursor: 20,
    });
  });

  it("leaves text after the cursor alone when it does not close the token", () => {
    expect(insertVariable("{{in more }}", { start: 0 }, 4, "inputs.a")).toEqual({ text: "{{inputs.a}} more }}", cursor: 12 });
  });

  it("produces a template that parses back to the variable", () => {
    const query = findVariableQuery("v1/{{ prof", 10);
    expect(query).toBeDefined();
    const { text } = insertVariable("v1/{{ prof", query!, 10, "profile.team.id");
    expect(templateVariableNames(text)).toEqual(["profile.team.id"]);
  });
});

describe("properties", () => {
  const RUNS = { numRuns: 600 };
  const tricky = fc.constantFrom(...Array.from("/?#@:%\\.[]&=+ \t\n\r\0'\"<>{}|^`~é€😀\u{10FFFF}"), "\uD800", "\uDC00");
  const anyValue = fc.oneof(
    fc.string({ unit: "binary" }),
    fc.string({ unit: fc.oneof(tricky, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })) }),
    fc.constantFrom("", ".", "..", "%2e", "%2E%2e", "@evil.example", "//evil.example", "a:b@c", "%zz", "%41"),
  );
  const templates = [
    { template: "https://api.example.com/v1/{{inputs.a}}?q={{inputs.a}}", protocol: "https:", hostname: "api.example.com", port: "" },
    { template: "http://127.0.0.1:8080/{{inputs.a}}/x", protocol: "http:", hostname: "127.0.0.1", port: "8080" },
    {
      template: "https://h.example.net:444/{{inputs.a}}?x=1&q={{inputs.a}}#{{inputs.a}}",
      protocol: "https:",
      hostname: "h.example.net",
      port: "444",
    },
  ];

  function isWellFormed(value: string): boolean {
    return value.isWellFormed();
  }

  function render(template: string, value: string): URL | undefined {
    try {
      return renderUrl(template, { "inputs.a": value });
    } catch (error) {
      // The only thing a value may do is be refused as a dot segment.
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).message).toBe('"inputs.a" cannot be "." or ".." in a URL path.');
      return undefined;
    }
  }

  it("a path or query value never changes the scheme, host or port", () => {
    fc.assert(
      fc.property(fc.constantFrom(...templates), anyValue, ({ template, protocol, hostname, port }, value) => {
        const url = render(template, value);
        if (!url) return;
        expect(url.protocol).toBe(protocol);
        expect(url.hostname).toBe(hostname);
        expect(url.port).toBe(port);
        expect(url.username).toBe("");
        expect(url.password).toBe("");
      }),
      RUNS,
    );
  });

  it("a host value never leaves the literal domain that follows it", () => {
    const hostish = fc.string({
      unit: fc.constantFrom("a", "Z", "0", "9", "-", ".", "#", "/", "?", "\\", "@", ":", "%", "2", "f", " ", "[", "]", "\t"),
    });
    fc.assert(
      fc.property(fc.oneof(hostish, anyValue), (value) => {
        let url: URL;
        try {
          url = renderUrl("https://{{inputs.a}}.tasklab.com/oauth/token", { "inputs.a": value });
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateError);
          return;
        }
        expect(url.hostname.endsWith(".tasklab.com")).toBe(true);
        expect(url.hostname).toBe(`${value.toLowerCase()}.tasklab.com`);
        expect(url.port).toBe("");
        expect(url.pathname).toBe("/oauth/token");
        expect(url.search + url.hash + url.username).toBe("");
      }),
      RUNS,
    );
  });

  it("decoding the path segment and query value gives back the value", () => {
    fc.assert(
      fc.property(anyValue.filter(isWellFormed), (value) => {
        const first = render("https://api.example.com/v1/{{inputs.a}}?q={{inputs.a}}", value);
        if (first) {
          const segments = first.pathname.split("/");
          expect(segments).toHaveLength(3);
          expect(decodeURIComponent(segments[2] ?? "")).toBe(value);
          expect(first.searchParams.get("q")).toBe(value);
          expect([...first.searchParams.keys()]).toEqual(["q"]);
          expect(first.hash).toBe("");
        }
        const second = render("http://127.0.0.1:8080/{{inputs.a}}/x", value);
        if (second) {
          const segments = second.pathname.split("/");
          expect(segments).toHaveLength(3);
          expect(decodeURIComponent(segments[1] ?? "")).toBe(value);
          expect(segments[2]).toBe("x");
          expect(second.search).toBe("");
        }
        if (value !== "." && value !== "..") {
          expect(first).toBeDefined();
          expect(second).toBeDefined();
        }
      }),
      RUNS,
    );
  });

  it("parseTemplate throws nothing but TemplateError", () => {
    const templateish = fc.string({
      unit: fc.oneof(
        fc.constantFrom("{{", "}}", "{", "}", " ", ".", "inputs", "credentials", "profile", "a", "_", "1", "-"),
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), templateish), (template) => {
        try {
          const parts = parseTemplate(template);
          // Whatever parses must round-trip to the original text.
          const rebuilt = parts.map((part) => (part.type === "text" ? part.value : template.slice(part.start, part.end))).join("");
          expect(rebuilt).toBe(template);
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateError);
          expect(typeof (error as TemplateError).index).toBe("number");
        }
      }),
      RUNS,
    );
  });
});
