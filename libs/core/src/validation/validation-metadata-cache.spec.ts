import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  MetadataStorage,
  Min,
  validate,
  ValidateNested,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { installValidationMetadataCache } from './validation-metadata-cache';

class Base {
  @IsString() name!: string;
}
class Child extends Base {
  @IsInt() @Min(1) quantity!: number;
}
class Holder {
  @ValidateNested() @Type(() => Child) child!: Child;
  @IsOptional() @IsString() note?: string;
}

const child = (name: unknown, quantity: unknown) => Object.assign(new Child(), { name, quantity });
const holder = (c: Child) => Object.assign(new Holder(), { child: c });

describe('installValidationMetadataCache', () => {
  it('answers like class-validator itself, inherited and nested rules included', async () => {
    const storage = new MetadataStorage();
    const plain = new MetadataStorage();
    for (const s of [storage, plain])
      for (const target of [Base, Child, Holder])
        for (const m of getStorageRules(target)) s.addValidationMetadata(m);
    installValidationMetadataCache(storage);
    for (const target of [Base, Child, Holder]) {
      const expected = plain.getTargetValidationMetadatas(target, '', false, false);
      expect(storage.getTargetValidationMetadatas(target, '', false, false)).toEqual(expected);
      // The second answer comes from the cache and is still the same.
      expect(storage.getTargetValidationMetadatas(target, '', false, false)).toEqual(expected);
    }
    expect(
      storage.getTargetValidationMetadatas(Child, '', false, false).map((m) => m.propertyName),
    ).toEqual(expect.arrayContaining(['name', 'quantity']));
  });

  it('forgets what it knows when a rule is added later', () => {
    const storage = new MetadataStorage();
    installValidationMetadataCache(storage);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).toHaveLength(0);
    for (const m of getStorageRules(Base)) storage.addValidationMetadata(m);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).toHaveLength(1);
  });

  it('keeps validation results unchanged on the global storage', async () => {
    const before = await validate(holder(child('', 0)));
    installValidationMetadataCache();
    installValidationMetadataCache(); // twice is once
    for (let i = 0; i < 3; i++) {
      const errors = await validate(holder(child(5, 0)));
      expect(errors).toHaveLength(1);
      expect(errors[0].children?.map((e) => e.property).sort()).toEqual(['name', 'quantity']);
      expect(await validate(holder(child('ok', 2)))).toEqual([]);
    }
    expect(before).toHaveLength(1);
  });
});

/** The rules decorators registered for exactly `target` (not its superclasses). */
function getStorageRules(target: object): ValidationMetadata[] {
  const global = (globalThis as unknown as { classValidatorMetadataStorage: MetadataStorage })
    .classValidatorMetadataStorage;
  return ((
    global as unknown as { validationMetadatas: Map<object, ValidationMetadata[]> }
  ).validationMetadatas.get(target) ?? []) as ValidationMetadata[];
}
