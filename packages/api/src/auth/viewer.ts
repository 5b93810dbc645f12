/** Who is calling: an editor/admin account and how it authenticated. */
export interface Viewer {
  uuid: string;
  username: string;
  role: 'admin' | 'editor';
  via: 'cookie' | 'bearer';
  /** The session token when `via` is `cookie` (for logout). */
  sessionToken?: string;
}
