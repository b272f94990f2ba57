// Modal dialogs on the native <dialog>: the browser traps focus, Escape closes, the page behind
// is inert. A dialog's body is a form, so Enter submits it. `confirm()` asks a yes/no question
// imperatively: `if (await confirm({ title, message, confirmLabel: 'Delete', danger: true })) …`.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

let titleIds = 0;

/**
 * @param {{ open: boolean, title: string, onClose: () => void, onSubmit?: (event: Event) => void,
 *   children: any, footer?: any, wide?: boolean, busy?: boolean }} props
 */
export function Dialog({ open, title, onClose, onSubmit, children, footer, wide = false, busy = false }) {
  const ref = useRef(null);
  const [titleId] = useState(() => `dialog-title-${++titleIds}`);
  const opener = useRef(null);
  // Focus goes back to what opened the dialog, also when the owner unmounts it.
  const restoreFocus = () => {
    const element = opener.current;
    opener.current = null;
    if (element && element.isConnected) setTimeout(() => element.focus(), 0);
  };
  useEffect(() => () => ref.current?.open && restoreFocus(), []);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      const first = dialog.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), select, textarea, button.primary');
      if (first) first.focus();
    }
    if (!open && dialog.open) {
      dialog.close();
      restoreFocus();
    }
  }, [open]);

  const submit = (event) => {
    event.preventDefault();
    if (!busy && onSubmit) onSubmit(event);
  };
  // Escape fires `cancel`: let the owner decide (it closes unless busy).
  const cancel = (event) => {
    event.preventDefault();
    if (!busy) onClose();
  };
  return html`
    <dialog ref=${ref} class=${`dialog${wide ? ' dialog-wide' : ''}`} aria-labelledby=${titleId} onCancel=${cancel}>
      ${open &&
      html`<form class="dialog-form" onSubmit=${submit} novalidate>
        <header class="dialog-header">
          <h2 id=${titleId}>${title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick=${() => !busy && onClose()}>×</button>
        </header>
        <div class="dialog-body">${children}</div>
        ${footer && html`<footer class="dialog-footer">${footer}</footer>`}
      </form>`}
    </dialog>
  `;
}

let ask = null;

/** Asks for a confirmation; resolves true when confirmed, false when cancelled (Escape, Cancel). */
export function confirm(options) {
  if (!ask) return Promise.resolve(window.confirm(options.message));
  return ask(options);
}

export function ConfirmHost() {
  const [request, setRequest] = useState(null);
  useEffect(() => {
    ask = (options) => new Promise((resolve) => setRequest({ ...options, resolve }));
    return () => (ask = null);
  }, []);
  const finish = (answer) => {
    request?.resolve(answer);
    setRequest(null);
  };
  return html`
    <${Dialog}
      open=${request !== null}
      title=${request?.title ?? ''}
      onClose=${() => finish(false)}
      onSubmit=${() => finish(true)}
      footer=${html`
        <button type="button" onClick=${() => finish(false)}>Cancel</button>
        <button type="submit" class=${request?.danger ? 'primary danger' : 'primary'} autofocus>${request?.confirmLabel ?? 'Confirm'}</button>
      `}
    >
      <p>${request?.message}</p>
    <//>
  `;
}
