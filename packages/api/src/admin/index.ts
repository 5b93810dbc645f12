// The admin area of the API (admins only): importing this module registers its queries and
// mutations on the builder. Every field checks requireAdmin / requireAdminWrite first.
import './admin-users.ts';
import './admin-points.ts';
import './admin-streams.ts';
import './admin-media.ts';
import './admin-logs.ts';
