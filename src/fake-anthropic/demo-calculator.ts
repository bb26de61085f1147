import { CALCULATOR_JS, INDEX_HTML, INDEX_HTML_EDIT, MAIN_JS, README_MD, STYLES_CSS } from './demo-calculator-files';
import type { MessagesRequestBody, Scenario, ScriptedTurn } from './types';

// Pacing counts chars/4 "tokens"; indented, JSON-escaped code really tokenizes ~25%
// denser, so 100 here is ~75 real tokens/s, a realistic Claude rate. With the pauses
// turn 0 lasts ~22 s: long enough to watch tools start while the model is still typing.
const TOKENS_PER_SECOND = 100;

// A real agent's system prompt and tool schemas (~1.5k tokens) are cached on the first
// call and read back on the next, so the demo shows the same usage pattern.
// input_tokens itself is left to the default estimate from the request size.
const CACHED_PREFIX_TOKENS = 1452;

const buildTurn: ScriptedTurn = {
  tokensPerSecond: TOKENS_PER_SECOND,
  usage: { cacheCreationInputTokens: CACHED_PREFIX_TOKENS },
  steps: [
    { type: 'pause', ms: 500 },
    // A short thinking block first, so the live views show thinking apart from the text.
    {
      type: 'thinking',
      thinking: 'A calculator web app: index.html for the keypad, styles.css, calculator.js for the arithmetic, app.js for clicks and keys. Page first, then styles, then logic.',
      signature: 'demo-calculator-thinking',
    },
    {
      type: 'text',
      text: "I'll build a small calculator web app: a page with a display and keypad, some styling, the calculator logic in its own file, and a little glue code for clicks and the keyboard. Let me start with the page.",
    },
    { type: 'tool_use', name: 'write_file', input: { path: 'index.html', content: INDEX_HTML } },
    { type: 'pause', ms: 400 },
    { type: 'text', text: 'Now the styles: a dark theme with a four-column keypad grid.' },
    { type: 'tool_use', name: 'write_file', input: { path: 'styles.css', content: STYLES_CSS } },
    { type: 'pause', ms: 500 },
    { type: 'text', text: "Next, the calculator logic. I'll keep it free of DOM access so it is easy to test, and guard against division by zero." },
    { type: 'tool_use', name: 'write_file', input: { path: 'src/calculator.js', content: CALCULATOR_JS } },
    { type: 'tool_use', name: 'write_file', input: { path: 'src/main.js', content: MAIN_JS } },
    { type: 'text', text: 'A short README so the project explains itself.' },
    { type: 'tool_use', name: 'write_file', input: { path: 'README.md', content: README_MD } },
    { type: 'pause', ms: 300 },
    { type: 'text', text: "The keyboard shortcuts aren't discoverable yet, so I'll add a hint under the keypad." },
    { type: 'tool_use', name: 'edit_file', input: { path: 'index.html', old_text: INDEX_HTML_EDIT.oldText, new_text: INDEX_HTML_EDIT.newText } },
    { type: 'text', text: "Finally, I'll give the app a proper name and check the project layout." },
    { type: 'tool_use', name: 'rename_app', input: { name: 'CalcPro' } },
    { type: 'tool_use', name: 'list_files', input: {} },
  ],
};

const summaryTurn: ScriptedTurn = {
  tokensPerSecond: TOKENS_PER_SECOND,
  usage: { cacheReadInputTokens: CACHED_PREFIX_TOKENS },
  steps: [
    {
      type: 'text',
      text:
        'Done! **CalcPro** is ready:\n\n' +
        '- `index.html`: the page with a display and a keypad\n' +
        '- `styles.css`: a dark theme with a four-column grid\n' +
        '- `src/calculator.js`: the logic (+, −, ×, ÷, chaining, division-by-zero guard)\n' +
        '- `src/main.js`: click and keyboard handling\n' +
        '- `README.md`: how to run it\n\n' +
        'Open `index.html` in a browser to try it. You can also type digits and operators, press Enter for = and Esc to clear.',
    },
  ],
};

function lastUserMessageHasToolResults(request: MessagesRequestBody): boolean {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'user' && Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
}

/**
 * Used by `npm start` without an API key. Keyed on the conversation's shape rather than
 * only the turn number, so a fresh prompt later in the same chat builds the app again
 * instead of hitting "(script finished)".
 */
export const calculatorDemoScenario: Scenario = (request, ctx) =>
  ctx.turn > 0 && lastUserMessageHasToolResults(request) ? summaryTurn : buildTurn;
