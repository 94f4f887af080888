import React, {useEffect, useId, useRef} from 'react';
import styles from './styles.module.css';

export interface ConfirmDialogProps {
  /** Shown while set; the question, what happens on confirm, and the two buttons' words. */
  request?: {title: string; body: React.ReactNode; confirm: string; cancel: string};
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal question, with the browser's own <dialog>: showModal() makes the rest of the page inert,
 * keeps the focus inside and closes on Escape (which counts as cancel). The focus starts on the
 * button that keeps the learner's work, so a hurried Enter loses nothing.
 */
export default function ConfirmDialog({request, onConfirm, onCancel}: ConfirmDialogProps): React.ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) dialog.showModal();
    if (!request && dialog.open) dialog.close();
  }, [request]);
  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      data-testid="playground-confirm"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}>
      {request && (
        <>
          <h2 id={`${id}-title`} className={styles.dialogTitle}>
            {request.title}
          </h2>
          <div id={`${id}-body`}>{request.body}</div>
          <div className={styles.dialogButtons}>
            <button type="button" className="button button--secondary" onClick={onCancel} autoFocus data-testid="playground-confirm-cancel">
              {request.cancel}
            </button>
            <button type="button" className="button button--danger" onClick={onConfirm} data-testid="playground-confirm-ok">
              {request.confirm}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
