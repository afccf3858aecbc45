import type { ErrorDetail } from '@tandem/contract';

/** A zod issue as the schema validator reports it (a union's carries each branch's issues). */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly errors?: readonly (readonly Issue[])[];
}

/**
 * A union's issues as those of the branch the value came closest to: "Invalid input" alone says
 * nothing of an audience rule `{event, within: {days: 7}}`, its event branch names `within`.
 * Branches that refuse the value's very shape (another type, keys they do not know) are not
 * candidates; among the rest, the fewest issues win, then the deepest. Paths become absolute.
 */
export function closestIssues(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  let best: Issue[] | undefined;
  for (const branch of issue.errors) {
    const issues = branch.flatMap(closestIssues);
    const refusesShape = issues.some(
      (i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'unrecognized_keys'),
    );
    if (issues.length === 0 || refusesShape) continue;
    if (best === undefined || issues.length < best.length) best = issues;
    else if (issues.length === best.length && deepest(issues) > deepest(best)) best = issues;
  }
  if (best === undefined) return [issue];
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

const deepest = (issues: readonly Issue[]) => Math.max(...issues.map((i) => i.path.length));

/** What fastify-type-provider-zod reports per issue: its path as a JSON pointer, the rest in params. */
interface ValidationItem {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string | undefined;
  readonly params?: Record<string, unknown> | undefined;
}

/** The contract's error details of a request's validation issues, `where` (body, querystring…) first. */
export function validationDetails(where: string, items: readonly ValidationItem[]): ErrorDetail[] {
  return items.flatMap((item) => {
    const path = item.instancePath.split('/').filter(Boolean);
    const errors = item.params?.errors;
    const issues =
      item.keyword === 'invalid_union' && Array.isArray(errors)
        ? closestIssues({ code: item.keyword, path: [], message: item.message ?? '', errors })
        : [{ code: item.keyword, path: [], message: item.message ?? 'is invalid' }];
    return issues.map((issue) => ({
      path: [where, ...path, ...issue.path.map(String)].join('.'),
      message: issue.message || 'is invalid',
    }));
  });
}
