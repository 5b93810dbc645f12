import type { SessionKind, UserRole } from './enums.ts';
import type { Timestamped } from './stream-model.ts';

/** An editor or administrator account. The password hash never leaves the database package. */
export interface User extends Timestamped {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  role: UserRole;
  isActive: boolean;
}

/** A login session or API token; only a hash of the token is stored. */
export interface Session {
  uuid: string;
  createdDate: Date;
  userUuid: string;
  kind: SessionKind;
  name: string;
  expiresDate: Date | null;
}
