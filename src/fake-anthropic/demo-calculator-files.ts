// The files the demo "model" writes. They are real, working code: the demo is only
// convincing if the app it builds actually runs when opened in a browser.
// Plain <script> tags (no modules) so index.html also works from file://.

export const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Calculator</title>
  <link rel="stylesheet" href="styles.css">
</head>
<body>
  <main class="calculator" aria-label="Calculator">
    <h1 class="title">Calculator</h1>
    <output id="display" class="display" aria-live="polite">0</output>
    <div class="keys">
      <button class="muted" data-action="clear">C</button>
      <button class="muted" data-action="backspace">⌫</button>
      <button class="op" data-operator="/">÷</button>
      <button class="op" data-operator="*">×</button>
      <button data-digit="7">7</button>
      <button data-digit="8">8</button>
      <button data-digit="9">9</button>
      <button class="op" data-operator="-">−</button>
      <button data-digit="4">4</button>
      <button data-digit="5">5</button>
      <button data-digit="6">6</button>
      <button class="op" data-operator="+">+</button>
      <button data-digit="1">1</button>
      <button data-digit="2">2</button>
      <button data-digit="3">3</button>
      <button class="equals" data-action="equals">=</button>
      <button class="zero" data-digit="0">0</button>
      <button data-action="dot">.</button>
    </div>
  </main>
  <script src="src/calculator.js"></script>
  <script src="src/main.js"></script>
</body>
</html>
`;

/** Unique in INDEX_HTML so the demo's edit_file call applies cleanly. */
export const INDEX_HTML_EDIT = {
  oldText: '    </div>\n  </main>',
  newText: '    </div>\n    <p class="hint">Tip: you can also type digits and operators, Enter for =, Esc to clear.</p>\n  </main>',
} as const;

export const STYLES_CSS = `:root {
  --bg: #1f2430;
  --panel: #2a3040;
  --key: #3a4256;
  --accent: #ff9f43;
  --text: #f5f6fa;
  --muted: #9aa3b5;
}

* { box-sizing: border-box; }

body {
  margin: 0;
  min-height: 100vh;
  display: grid;
  place-items: center;
  background: var(--bg);
  color: var(--text);
  font-family: system-ui, sans-serif;
}

.calculator {
  width: min(340px, 92vw);
  padding: 20px;
  border-radius: 20px;
  background: var(--panel);
  box-shadow: 0 20px 50px rgba(0, 0, 0, 0.4);
}

.title { margin: 0 0 12px; font-size: 0.9rem; text-transform: uppercase; color: var(--muted); }

.display {
  display: block;
  min-height: 72px;
  margin-bottom: 16px;
  padding: 12px 16px;
  border-radius: 12px;
  background: rgba(0, 0, 0, 0.25);
  font-size: 2.5rem;
  text-align: right;
  overflow-wrap: anywhere;
}

.keys { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }

.keys button {
  padding: 18px 0;
  border: none;
  border-radius: 12px;
  background: var(--key);
  color: var(--text);
  font-size: 1.25rem;
  cursor: pointer;
}

.keys button:hover { filter: brightness(1.2); }
.keys button:active { transform: scale(0.96); }
.keys .muted { color: var(--muted); }
.keys .op { color: var(--accent); }
.keys .equals { grid-row: span 2; background: var(--accent); color: var(--bg); }
.keys .zero { grid-column: span 2; }
.hint { margin: 14px 0 0; font-size: 0.8rem; text-align: center; color: var(--muted); }
`;

export const CALCULATOR_JS = `// Calculator state machine with no DOM access, so it can be tested on its own.
class Calculator {
  constructor() {
    this.clear();
  }

  clear() {
    this.display = '0';
    this.stored = null;
    this.operator = null;
    // When true, the next digit starts a new number instead of extending the display.
    this.fresh = true;
  }

  inputDigit(digit) {
    if (this.display === 'Error') this.clear();
    if (this.fresh || this.display === '0') {
      this.display = digit;
      this.fresh = false;
    } else if (this.display.replace(/[-.]/g, '').length < 12) {
      this.display += digit;
    }
  }

  inputDot() {
    if (this.display === 'Error') this.clear();
    if (this.fresh) {
      this.display = '0.';
      this.fresh = false;
    } else if (!this.display.includes('.')) {
      this.display += '.';
    }
  }

  backspace() {
    if (this.fresh || this.display === 'Error') return;
    this.display = this.display.length > 1 ? this.display.slice(0, -1) : '0';
    if (this.display === '-') this.display = '0';
  }

  setOperator(operator) {
    if (this.display === 'Error') return;
    // Chained input such as "2 + 3 +" evaluates the pending operation first.
    if (this.operator && !this.fresh) this.evaluate();
    if (this.display === 'Error') return;
    this.stored = parseFloat(this.display);
    this.operator = operator;
    this.fresh = true;
  }

  equals() {
    if (!this.operator || this.display === 'Error') return;
    this.evaluate();
    this.operator = null;
    this.fresh = true;
  }

  evaluate() {
    const result = Calculator.apply(this.stored, parseFloat(this.display), this.operator);
    this.display = Calculator.format(result);
    this.stored = result;
  }

  static apply(a, b, operator) {
    switch (operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? NaN : a / b;
      default:
        return b;
    }
  }

  static format(value) {
    if (!Number.isFinite(value)) return 'Error';
    // toPrecision hides binary noise such as 0.1 + 0.2 = 0.30000000000000004.
    return String(parseFloat(value.toPrecision(12)));
  }
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { Calculator };
}
`;

export const MAIN_JS = `// Connects the Calculator to the buttons and the keyboard.
(function () {
  const calculator = new Calculator();
  const display = document.getElementById('display');

  function render() {
    display.textContent = calculator.display;
  }

  function run(action) {
    if (action === 'equals') calculator.equals();
    else if (action === 'clear') calculator.clear();
    else if (action === 'backspace') calculator.backspace();
    else if (action === 'dot') calculator.inputDot();
  }

  document.querySelector('.keys').addEventListener('click', (event) => {
    const key = event.target.closest('button');
    if (!key) return;
    if (key.dataset.digit !== undefined) calculator.inputDigit(key.dataset.digit);
    else if (key.dataset.operator) calculator.setOperator(key.dataset.operator);
    else run(key.dataset.action);
    render();
  });

  const keyActions = { Enter: 'equals', '=': 'equals', Escape: 'clear', Backspace: 'backspace', '.': 'dot' };
  document.addEventListener('keydown', (event) => {
    if (/^[0-9]$/.test(event.key)) calculator.inputDigit(event.key);
    else if (['+', '-', '*', '/'].includes(event.key)) calculator.setOperator(event.key);
    else if (keyActions[event.key]) run(keyActions[event.key]);
    else return;
    event.preventDefault();
    render();
  });

  render();
})();
`;

export const README_MD = `# Calculator

A small calculator web app with no build step and no dependencies.

## Run

Open \`index.html\` in a browser.

## Features

- Addition, subtraction, multiplication and division
- Chained operations: \`2 + 3 × 4 =\` evaluates left to right
- Division by zero shows \`Error\`; the next digit starts over
- Keyboard support: digits, \`+ - * /\`, \`Enter\` or \`=\`, \`Backspace\`, \`Esc\`
`;
