import type Anthropic from '@anthropic-ai/sdk';
import { runInNewContext } from 'vm';
import { calculatorDemoScenario, resolveScriptedTurn, type MessagesRequestBody, type Scenario, type ScriptedTurn } from '../../src/fake-anthropic';
import { CALCULATOR_JS, INDEX_HTML, INDEX_HTML_EDIT, MAIN_JS, STYLES_CSS } from '../../src/fake-anthropic/demo-calculator-files';
import { MODEL, useFakeAnthropic, userPrompt } from './helpers';

interface CalculatorApi {
  display: string;
  inputDigit(d: string): void;
  inputDot(): void;
  backspace(): void;
  setOperator(op: string): void;
  equals(): void;
  clear(): void;
}

function loadCalculator(): new () => CalculatorApi {
  const module = { exports: {} as { Calculator?: new () => CalculatorApi } };
  runInNewContext(CALCULATOR_JS, { module });
  if (!module.exports.Calculator) throw new Error('calculator.js did not export Calculator');
  return module.exports.Calculator;
}

/** Feeds keypad labels ("1", "+", "=", "C", "<", ".") to a fresh calculator. */
function press(keys: string[]): string {
  const calc = new (loadCalculator())();
  for (const key of keys) {
    if (/^\d$/.test(key)) calc.inputDigit(key);
    else if (key === '.') calc.inputDot();
    else if (key === '=') calc.equals();
    else if (key === 'C') calc.clear();
    else if (key === '<') calc.backspace();
    else calc.setOperator(key);
  }
  return calc.display;
}

const request = (messages: Anthropic.MessageParam[]): MessagesRequestBody => ({ model: MODEL, max_tokens: 4096, messages }) as MessagesRequestBody;

function demoTurn(messages: Anthropic.MessageParam[], turn: number): ScriptedTurn {
  return resolveScriptedTurn(calculatorDemoScenario, request(messages), { turn, callIndex: 0 });
}

describe('calculator demo app files', () => {
  it('calculator.js computes correctly', () => {
    expect(press(['1', '2', '+', '3', '='])).toBe('15');
    expect(press(['2', '+', '3', '*', '4', '='])).toBe('20');
    expect(press(['9', '-', '1', '2', '='])).toBe('-3');
    expect(press(['.', '1', '+', '.', '2', '='])).toBe('0.3');
    expect(press(['7', '/', '2', '='])).toBe('3.5');
    expect(press(['5', '/', '0', '='])).toBe('Error');
    expect(press(['5', '/', '0', '=', '4'])).toBe('4');
    expect(press(['1', '2', '3', '<'])).toBe('12');
    expect(press(['8', '*', '*', '3', '='])).toBe('24');
    expect(press(['4', 'C'])).toBe('0');
  });

  it('main.js wires clicks and keys to the display', () => {
    const display = { textContent: '' };
    const listeners: Record<string, (event: unknown) => void> = {};
    const document = {
      getElementById: (id: string) => (id === 'display' ? display : null),
      querySelector: (sel: string) => (sel === '.keys' ? { addEventListener: (t: string, fn: (e: unknown) => void) => (listeners[`keys:${t}`] = fn) } : null),
      addEventListener: (t: string, fn: (e: unknown) => void) => (listeners[`doc:${t}`] = fn),
    };
    const context = { document, module: { exports: {} } };
    runInNewContext(`${CALCULATOR_JS}\n${MAIN_JS}`, context);
    const click = (dataset: Record<string, string>): void => listeners['keys:click']({ target: { closest: () => ({ dataset }) } });
    const key = (k: string): void => listeners['doc:keydown']({ key: k, preventDefault: () => undefined });
    expect(display.textContent).toBe('0');
    click({ digit: '6' });
    click({ operator: '*' });
    key('7');
    key('Enter');
    expect(display.textContent).toBe('42');
    click({ action: 'clear' });
    expect(display.textContent).toBe('0');
  });

  it('index.html references the other files, has every key, and the scripted edit applies once', () => {
    for (const ref of ['href="styles.css"', 'src="src/calculator.js"', 'src="src/main.js"', 'id="display"']) expect(INDEX_HTML).toContain(ref);
    for (let d = 0; d <= 9; d++) expect(INDEX_HTML).toContain(`data-digit="${d}"`);
    for (const op of ['+', '-', '*', '/']) expect(INDEX_HTML).toContain(`data-operator="${op}"`);
    expect(INDEX_HTML.split(INDEX_HTML_EDIT.oldText)).toHaveLength(2);
    expect((STYLES_CSS.match(/\{/g) ?? []).length).toBe((STYLES_CSS.match(/\}/g) ?? []).length);
    expect(STYLES_CSS).toContain('.hint');
  });
});

describe('calculator demo scenario', () => {
  it('turn 0 calls eight tools in a sensible order over about 20 s', () => {
    const turn = demoTurn(userPrompt('Build me a calculator'), 0);
    const tools = turn.steps.flatMap((s) => (s.type === 'tool_use' ? [s] : []));
    expect(tools.map((t) => `${t.name}:${(t.input as { path?: string }).path ?? ''}`)).toEqual([
      'write_file:index.html',
      'write_file:styles.css',
      'write_file:src/calculator.js',
      'write_file:src/main.js',
      'write_file:README.md',
      'edit_file:index.html',
      'rename_app:',
      'list_files:',
    ]);
    expect(tools.find((t) => t.name === 'rename_app')?.input).toEqual({ name: 'CalcPro' });
    const chars = turn.steps.reduce((sum, s) => sum + (s.type === 'text' ? s.text.length : s.type === 'tool_use' ? JSON.stringify(s.input).length : 0), 0);
    const pauses = turn.steps.reduce((sum, s) => sum + (s.type === 'pause' ? s.ms : 0), 0);
    const seconds = chars / 4 / (turn.tokensPerSecond ?? Infinity) + pauses / 1000;
    expect(seconds).toBeGreaterThan(15);
    expect(seconds).toBeLessThan(28);
  });

  describe('through the real SDK (pacing stripped to keep the test fast)', () => {
    const unpaced: Scenario = (req, ctx) => {
      const turn = resolveScriptedTurn(calculatorDemoScenario, req, ctx);
      return { ...turn, tokensPerSecond: undefined, steps: turn.steps.filter((s) => s.type !== 'pause') };
    };
    const fake = useFakeAnthropic({ defaultScenario: unpaced });

    it('streams parseable tool inputs, then a summary once tool results come back', async () => {
      const prompt = userPrompt('Build me a calculator');
      const first = await fake.client.messages.stream({ model: MODEL, max_tokens: 4096, messages: prompt }).finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const toolUses = first.content.flatMap((b) => (b.type === 'tool_use' ? [b] : []));
      expect(toolUses).toHaveLength(8);
      expect(toolUses[2].input).toEqual({ path: 'src/calculator.js', content: CALCULATOR_JS });
      expect(new Set(toolUses.map((t) => t.id)).size).toBe(8);
      expect(first.usage.output_tokens).toBeGreaterThan(1000);

      const second = await fake.client.messages.create({
        model: MODEL,
        max_tokens: 4096,
        messages: [
          ...prompt,
          { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
          { role: 'user', content: toolUses.map((t) => ({ type: 'tool_result' as const, tool_use_id: t.id, content: 'ok' })) },
        ],
      });
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('CalcPro') as unknown });
    });
  });
});
