import { AppError } from '../../errors/index.js';

export function unprocessable(path: string, message: string): AppError {
  return new AppError('unprocessable', `Invalid ${path}: ${message}`, { details: [{ path, message }] });
}

export function notFound(ticketId: string): AppError {
  return new AppError('not_found', `No ticket ${ticketId}`);
}
