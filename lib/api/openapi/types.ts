import type { z } from "zod";

// The OpenAPI 3.1 objects the Connect API's document is made of (only the fields it uses).

/** A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses). */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

export type HttpMethod = "get" | "put" | "post" | "delete";
export const HTTP_METHODS: readonly HttpMethod[] = ["get", "put", "post", "delete"];

export interface ExampleObject {
  summary?: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, ExampleObject>;
}

export interface HeaderObject {
  description: string;
  schema: JsonSchema;
}

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface RequestBodyObject {
  description: string;
  required: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  security: Record<string, string[]>[];
}

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

export interface SecuritySchemeObject {
  type: "http";
  scheme: "bearer";
  bearerFormat: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: `3.1.${number}`;
  info: { title: string; version: string; description: string };
  servers?: { url: string; description?: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
  };
}

/** One operation of the document: where it is, and what it is. Each module under lib/api/openapi/ exports one. */
export interface ApiOperation {
  path: string;
  method: HttpMethod;
  operation: OperationObject;
}
