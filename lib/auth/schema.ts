import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }).max(254, { error: "Enter a valid email address." }));

export const signUpSchema = z.object({
  email: emailSchema,
  password: z.string().min(10, { error: "Use at least 10 characters." }).max(256, { error: "Use at most 256 characters." }),
});
export type SignUpInput = z.input<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, { error: "Enter your password." }).max(256, { error: "Enter your password." }),
});
export type SignInInput = z.input<typeof signInSchema>;
