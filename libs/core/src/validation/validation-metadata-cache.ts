import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];

const INSTALLED = Symbol.for('voucher-platform.validation-metadata-cache');

/**
 * class-validator looks up a class's rules on every validated object by scanning every class it
 * knows for superclasses (MetadataStorage.getTargetValidationMetadatas): with a few hundred DTO
 * classes that scan is most of what validating a request body costs. The answer only changes
 * when rules are registered (decorators run as modules load), so it is kept per class and
 * arguments, and forgotten whenever a rule or constraint is added.
 */
export function installValidationMetadataCache(
  storage: MetadataStorage = getMetadataStorage(),
): void {
  const marked = storage as MetadataStorage & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;

  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  let cache = new WeakMap<object, Map<string, ReturnType<Lookup>>>();
  const forget = () => {
    cache = new WeakMap();
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function') return lookup(target, schema, always, strictGroups, groups);
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byArgs = cache.get(target);
    if (!byArgs) cache.set(target, (byArgs = new Map()));
    let found = byArgs.get(key);
    if (!found) byArgs.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    // A copy: callers may filter or sort what they get, never our cached array.
    return found.slice();
  };

  const addValidation = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidation(metadata);
  };
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraint(metadata);
  };
}
