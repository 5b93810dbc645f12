import { z } from 'zod';
import { sessionKinds, userRoles } from './enums.ts';
import { fieldLimits as L } from './field-limits.ts';
import { uuidSchema } from './stream-schemas.ts';

/** Letters, digits and @ . + - _ like Django usernames. */
export const usernameSchema = z
  .string()
  .min(1)
  .max(L.username)
  .regex(/^[\w.@+-]+$/, 'username may contain letters, digits and @.+-_ only');

/** A new account; the password is hashed with scrypt before it is stored. */
export const createUserSchema = z.object({
  username: usernameSchema,
  password: z.string().min(8).max(1024),
  role: z.enum(userRoles).default('editor'),
  email: z.union([z.email().max(L.email), z.literal('')]).default(''),
  firstName: z.string().max(L.personName).default(''),
  lastName: z.string().max(L.personName).default(''),
});
export type CreateUserInput = z.input<typeof createUserSchema>;

/** Username and password as typed at login. */
export const credentialsSchema = z.object({
  username: z.string().min(1).max(L.username),
  password: z.string().min(1).max(1024),
});
export type CredentialsInput = z.input<typeof credentialsSchema>;

/** A new login session or API token; `ttlMs` null = never expires (tokens only). */
export const createSessionSchema = z.object({
  userUuid: uuidSchema,
  kind: z.enum(sessionKinds).default('session'),
  name: z.string().max(255).default(''),
  ttlMs: z
    .number()
    .int()
    .positive()
    .nullable()
    .default(14 * 24 * 3_600_000),
  now: z.date().optional(),
});
export type CreateSessionInput = z.input<typeof createSessionSchema>;
