import { formatWithOptions } from 'node:util';
import type { ClientOptions } from '@anthropic-ai/sdk';
import { redactSecret } from './redact';

type SdkLogger = NonNullable<ClientOptions['logger']>;

/**
 * A logger for the Anthropic SDK that scrubs the API key from every line. The SDK hides auth
 * headers itself, but at debug level (ANTHROPIC_LOG=debug) it logs error bodies verbatim, and an
 * error body may echo the key.
 */
export function redactingLogger(secret: string | undefined, sink: SdkLogger = console): SdkLogger {
  const at =
    (level: keyof SdkLogger) =>
    (message: string, ...rest: unknown[]): void => {
      sink[level](redactSecret(formatWithOptions({ depth: 8, colors: false }, message, ...rest), secret));
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
