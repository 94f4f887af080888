// The playground's policy editor (CodeMirror) and its prediction rows, as the browser tests drive them.
import type {Expect, Page} from '@playwright/test';

/** The editor's text, line by line as CodeMirror renders it. */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.cm-content .cm-line').evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.replace(/\n$/, '')));
  return lines.join('\n');
}

/**
 * The helpers that assert, bound to the spec's own `expect`, so that a spec which waits longer for
 * each state (expect.configure) keeps its timeouts.
 */
export function playgroundEditor(expect: Expect) {
  return {
    /** Replaces the editor's whole text as a person would: click, select all with the keyboard, insert. */
    async replaceEditorText(page: Page, text: string): Promise<void> {
      await page.locator('.cm-content').click();
      await page.keyboard.press('ControlOrMeta+a');
      // insertText, not type(): typing a newline would trigger CodeMirror's auto-indent and shift the YAML.
      await page.keyboard.insertText(text);
      await expect.poll(() => editorText(page)).toBe(text);
    },

    /** Replaces `from` in `text`, failing loudly when the lab file no longer contains it. */
    edit(text: string, from: string, to: string): string {
      expect(text, `the lab file should contain ${JSON.stringify(from)}`).toContain(from);
      return text.replace(from, to);
    },

    /** Waits until the rows show these predictions (the engine re-evaluates ~200 ms after an edit). */
    async expectPredictions(page: Page, predicted: string[]): Promise<void> {
      await expect(page.getByTestId('playground-row')).toHaveCount(predicted.length);
      await expect
        .poll(() => page.getByTestId('playground-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-predicted'))))
        .toEqual(predicted);
    },
  };
}
