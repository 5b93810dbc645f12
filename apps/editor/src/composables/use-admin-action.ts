import { ElMessage, ElMessageBox } from 'element-plus';
import { errorMessage } from '@gencaster/web';

/**
 * Runs an admin action after an optional confirmation and reports the outcome: the server's
 * refusal (e.g. "the audio file is used by 2 cells: …") is shown as it came, never swallowed.
 * Resolves true when the action ran.
 */
export async function runAdminAction(
  action: () => Promise<unknown>,
  options: { confirm?: string; done?: string } = {},
): Promise<boolean> {
  if (options.confirm) {
    try {
      await ElMessageBox.confirm(options.confirm, 'Please confirm', {
        confirmButtonText: 'Yes',
        cancelButtonText: 'Cancel',
        type: 'warning',
      });
    } catch {
      return false;
    }
  }
  try {
    await action();
    if (options.done) ElMessage.success(options.done);
    return true;
  } catch (failure) {
    ElMessage({ type: 'error', message: errorMessage(failure), duration: 8000, showClose: true });
    return false;
  }
}
