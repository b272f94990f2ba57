// Unsaved edits are not lost without a word: while a form says it is dirty, leaving the page in the
// portal (a link, another tab, Back) asks first, and closing or reloading the browser tab gets the
// browser's own "Leave site?" prompt (beforeunload). Forms call `useUnsavedChanges(dirty, what)`.
import { useEffect } from 'preact/hooks';
import { confirm } from './dialog.js';
import { setLeaveGuard } from '../router.js';

const dirtyForms = new Map(); // token → what has unsaved edits ("the provisioning settings")
let asking = null;

function onBeforeUnload(event) {
  event.preventDefault();
  event.returnValue = ''; // older Chromium needs it set to show the prompt
}

function update() {
  if (dirtyForms.size === 0) {
    setLeaveGuard(null);
    window.removeEventListener('beforeunload', onBeforeUnload);
    return;
  }
  window.addEventListener('beforeunload', onBeforeUnload);
  setLeaveGuard(() => {
    // Two clicks while the question is open get the same answer.
    asking ??= confirm({
      title: 'Discard unsaved changes?',
      message: `You have unsaved changes in ${[...new Set(dirtyForms.values())].join(' and ')}. Leave and discard them?`,
      confirmLabel: 'Discard changes',
      danger: true,
    }).finally(() => (asking = null));
    return asking;
  });
}

/** Registers `what` as having unsaved edits while `dirty` is true (and forgets it when unmounted). */
export function useUnsavedChanges(dirty, what = 'this form') {
  useEffect(() => {
    if (!dirty) return undefined;
    const token = {};
    dirtyForms.set(token, what);
    update();
    return () => {
      dirtyForms.delete(token);
      update();
    };
  }, [dirty, what]);
}
