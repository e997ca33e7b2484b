/**
 * Asks before a destructive action, in a modal `<dialog>` (focus kept inside,
 * Escape dismisses): the confirming button names the action, the other one
 * leaves everything as it is.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly children?: ComponentChildren;
  /** The confirming button's text, e.g. "Cancel the run". */
  readonly confirmLabel: string;
  /** The dismissing button's text. */
  readonly dismissLabel?: string;
  readonly onConfirm: () => void;
  readonly onDismiss: () => void;
}

export function ConfirmDialog({ open, title, children, confirmLabel, dismissLabel = 'Keep it', onConfirm, onDismiss }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const dismiss = (e: Event) => {
    e.preventDefault();
    onDismiss();
  };
  return (
    <dialog ref={ref} class="confirm-dialog" aria-label={title} onCancel={dismiss}>
      <h2>{title}</h2>
      {children}
      <div class="dialog-buttons">
        <button type="button" class="danger" onClick={onConfirm}>{confirmLabel}</button>
        <button type="button" autofocus onClick={dismiss}>{dismissLabel}</button>
      </div>
    </dialog>
  );
}
