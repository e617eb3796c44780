import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

import { projectKeys } from '../../api/keys';
import { useMe } from '@/features/auth';

import { changeSentence, changerName, changerOf, currentOf, type ChangeLine, type Changer, type Versioned } from './stale-write';

type Asking<T, I> = { before: T; after: T; intent: I; who: Changer | null; again: boolean };

export type StaleRetryConfig<T extends Versioned, R, I = undefined> = {
  projectId: number;
  /** The write, with the ETag of `copy`; `intent` is what `run` was given (a transition's name). */
  write: (copy: T, intent: I) => Promise<R>;
  /** What changed between two copies, field by field. */
  describe: (before: T, after: T) => ChangeLine[];
  /** The object in a sentence's title: “Billing revamp”, Ada Lovelace. */
  name: (copy: T) => string;
  /** The question before the retry: "Put it on hold anyway?" */
  question: string | ((intent: I) => string);
  /** Why the write no longer makes sense on their copy ("It is completed now: it cannot be put on hold."), or null. */
  blocked?: (after: T, intent: I) => string | null;
  /** A write that removes something gets a red button, and the focus starts on Cancel. */
  destructive?: boolean;
  onDone: (result: R, intent: I) => void;
  /** Any failure but a 412 that carries the object. */
  onFailed: (e: unknown) => void;
  /** Cancel, or the blocked message read: the page shows their copy already (the 412's body is in the cache). */
  onCancel?: (theirs: T) => void;
};

/**
 * A one-click write (a transition, a delete, "mark done") that meets a 412 asks instead of
 * dead-ending: what changed meanwhile and who changed it, then "Do it anyway" (once, with the
 * fresh ETag; a second 412 asks again with the newer state) or Cancel. `run` starts the write;
 * render `dialog` somewhere that stays mounted while it asks.
 */
export function useStaleRetry<T extends Versioned, R, I = undefined>(config: StaleRetryConfig<T, R, I>) {
  const qc = useQueryClient();
  const me = useMe();
  const [asking, setAsking] = useState<Asking<T, I> | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  const attempt = async (copy: T, intent: I, again: boolean) => {
    setBusy(true);
    try {
      const result = await config.write(copy, intent);
      setAsking(null);
      config.onDone(result, intent);
    } catch (e) {
      const after = currentOf(e, copy);
      if (!after) {
        setAsking(null);
        config.onFailed(e);
        return;
      }
      setAsking({ before: copy, after, intent, who: changerOf(e), again });
      // The timeline behind the dialog has their change too.
      void qc.invalidateQueries({ queryKey: projectKeys.activity(config.projectId) });
    } finally {
      setBusy(false);
    }
  };

  // A second 412 keeps the dialog open with the newer state: the focus goes back to where it was
  // (the pressed button was disabled while the retry ran).
  const again = asking?.again ?? false;
  const version = asking?.after.version;
  useEffect(() => {
    if (!again || version === undefined) return;
    (config.destructive ? cancelRef : confirmRef).current?.focus();
  }, [again, version, config.destructive]);

  const cancel = () => {
    const theirs = asking?.after;
    setAsking(null);
    if (theirs) config.onCancel?.(theirs);
  };

  const blocked = asking ? (config.blocked?.(asking.after, asking.intent) ?? null) : null;
  const question = asking ? (typeof config.question === 'function' ? config.question(asking.intent) : config.question) : '';
  const lines = asking ? config.describe(asking.before, asking.after) : [];
  const sentence = asking ? changeSentence(changerName(asking.who, me.data?.id), lines, 'it') : '';

  const dialog = (
    <Dialog
      open={asking !== null}
      onClose={cancel}
      title={asking ? `${config.name(asking.after)} changed meanwhile` : ''}
      description={sentence}
      footer={
        blocked ? (
          <Button ref={confirmRef} variant="primary" data-autofocus onClick={cancel}>
            OK
          </Button>
        ) : (
          <>
            <Button ref={cancelRef} onClick={cancel} data-autofocus={config.destructive ? true : undefined}>
              Cancel
            </Button>
            <Button
              ref={confirmRef}
              variant={config.destructive ? 'danger' : 'primary'}
              loading={busy}
              data-autofocus={config.destructive ? undefined : true}
              onClick={() => asking && void attempt(asking.after, asking.intent, true)}
            >
              Do it anyway
            </Button>
          </>
        )
      }
    >
      {asking && (
        <div className="flex flex-col gap-2 text-sm">
          {asking.again && (
            <p role="status" className="rounded-md bg-warning/10 px-3 py-2">
              It changed again while you were deciding.
            </p>
          )}
          <p className={blocked ? 'font-medium text-danger' : undefined} role={blocked ? 'alert' : undefined}>
            {blocked ?? question}
          </p>
          {!blocked && <p className="text-xs text-fg-muted">The page shows their version now; Cancel keeps it.</p>}
        </div>
      )}
    </Dialog>
  );

  return {
    run: (copy: T, intent: I) => void attempt(copy, intent, false),
    /** The same, settled once the first write has answered (done, failed, or asking). */
    start: (copy: T, intent: I) => attempt(copy, intent, false),
    busy,
    asking: asking !== null,
    dialog,
  };
}
