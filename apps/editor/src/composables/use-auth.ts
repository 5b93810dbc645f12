import { ref } from 'vue';
import {
  AuthLoginDocument,
  AuthLogoutDocument,
  IsAuthenticatedDocument,
} from '../graphql/generated/graphql.ts';
import { errorMessage } from '@gencaster/web';
import { request, resetSubscriptions } from '../graphql/client.ts';

/** The logged-in editor as the header shows it. */
export interface CurrentUser {
  username: string;
  role: string;
}

const user = ref<CurrentUser | null>(null);
const checked = ref(false);

/**
 * The session of the editor: who is logged in, login and logout. State is shared by every
 * component (one session per page); `check()` asks the server once at start.
 */
export function useAuth() {
  async function check(): Promise<void> {
    try {
      const data = await request(IsAuthenticatedDocument, {});
      user.value = data.isAuthenticated
        ? { username: data.isAuthenticated.username, role: String(data.isAuthenticated.role) }
        : null;
    } catch {
      user.value = null;
    } finally {
      checked.value = true;
    }
  }

  /** Logs in; resolves to an error text for the form, or undefined on success. */
  async function login(username: string, password: string): Promise<string | undefined> {
    try {
      const data = await request(AuthLoginDocument, { username, password });
      const result = data.authLogin;
      if (result.__typename === 'User') {
        await resetSubscriptions();
        user.value = { username: result.username, role: String(result.role) };
        return undefined;
      }
      return result.errorMessage ?? 'Wrong credentials';
    } catch (error) {
      return errorMessage(error);
    }
  }

  async function logout(): Promise<void> {
    try {
      await request(AuthLogoutDocument, {});
    } finally {
      user.value = null;
      await resetSubscriptions();
    }
  }

  /** Called when the server says the session is gone (expired or logged out elsewhere). */
  function sessionLost(): void {
    user.value = null;
  }

  return { user, checked, check, login, logout, sessionLost };
}
