import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Response } from 'express';
import { ScantrustApiError } from '@sid/ingestion';

/**
 * Errors of `/api/v2/*` in Django REST framework's shape (`{"detail": "..."}` or
 * `{"<field>": ["..."]}`), which Scantrust's clients read; anything unexpected is logged and
 * answered with a bare 500.
 */
@Catch()
export class ScantrustErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ScantrustErrors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(error);
    if (status >= 500) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).json(body);
  }

  private describe(error: unknown): { status: number; body: Record<string, unknown> } {
    if (error instanceof ScantrustApiError) return { status: error.status, body: error.body };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status === HttpStatus.NOT_FOUND) return { status, body: { detail: 'Not found.' } };
      if (status === HttpStatus.BAD_REQUEST && /JSON/.test(error.message)) {
        return { status, body: { detail: 'JSON parse error.' } };
      }
      return { status, body: { detail: error.message } };
    }
    const clientError = error as { status?: unknown; expose?: unknown };
    if (typeof clientError?.status === 'number' && clientError.status < 500 && clientError.expose) {
      return { status: clientError.status, body: { detail: (error as Error).message } };
    }
    return { status: 500, body: { detail: 'A server error occurred.' } };
  }
}
