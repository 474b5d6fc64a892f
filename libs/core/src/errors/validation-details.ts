import { ValidationError } from 'class-validator';

/** Flattens class-validator errors into `.path: problem` lines naming each offending property. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : `${parent}.${error.property}`;
    if (error.constraints) {
      for (const message of Object.values(error.constraints))
        lines.push(`Property ${path}: ${message}`);
    }
    if (error.children?.length) lines.push(...describeValidationErrors(error.children, path));
  }
  return lines;
}
