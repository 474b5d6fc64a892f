import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LRUCache } from 'lru-cache';
import {
  AppConfig,
  isoOrNull,
  listEnvelope,
  ListQueryDto,
  newId,
  paging,
  parseOrder,
  TransactionRunner,
} from '@app/core';
import { RELATED_OBJECT_RESOLVER, RelatedObjectResolver } from './related-object-resolver';
import { CompiledRuleSet, compileRuleSet } from './rules-engine';
import {
  RelatedObjectType,
  ValidationRuleAssignmentEntity,
  ValidationRuleEntity,
} from './validation-rule.entity';
import {
  CreateAssignmentDto,
  CreateValidationRuleDto,
  ListAssignmentsQueryDto,
  UpdateValidationRuleDto,
} from './validation-rules.dto';
import { ValidationRuleErrors } from './validation-rules.errors';
import { RuleSortField, ValidationRulesRepository } from './validation-rules.repository';

const DEFAULT_APPLICABLE_TO = { included_all: false, included: [], excluded: [] };

/** A rule set attached to an object, compiled and ready to evaluate. */
export interface AssignedRuleSet {
  ruleId: string;
  assignmentId: string;
  relatedObjectType: RelatedObjectType;
  relatedObjectId: string;
  ruleSet: CompiledRuleSet;
}

export function serializeRule(rule: ValidationRuleEntity) {
  return {
    id: rule.id,
    name: rule.name,
    rules: rule.rules,
    error: rule.error,
    applicable_to: rule.applicableTo,
    type: rule.type,
    context_type: rule.contextType,
    created_at: isoOrNull(rule.createdAt),
    updated_at: isoOrNull(rule.updatedAt),
    object: 'validation_rules' as const,
  };
}

export function serializeAssignment(a: ValidationRuleAssignmentEntity) {
  return {
    id: a.id,
    rule_id: a.ruleId,
    related_object_id: a.relatedObjectId,
    related_object_type: a.relatedObjectType,
    created_at: isoOrNull(a.createdAt),
    object: 'validation_rules_assignment' as const,
  };
}

function errorOf(error: { message?: string } | undefined | null): { message: string } | null {
  return error && typeof error.message === 'string' ? { message: error.message } : null;
}

@Injectable()
export class ValidationRulesService {
  /**
   * Whether a project has any rule assignment, for `rulesFor`: most projects have none, and then
   * validate and redeem need no assignment query at all. Cached like voucher definitions
   * (VALIDATION_CACHE_TTL_MS); an assignment made on this process marks its project at once (a
   * concurrent read cannot overwrite the mark), other replicas see it within the TTL.
   */
  private readonly assignedProjects: LRUCache<string, boolean>;

  constructor(
    config: AppConfig,
    private readonly repository: ValidationRulesRepository,
    private readonly tx: TransactionRunner,
    @Optional()
    @Inject(RELATED_OBJECT_RESOLVER)
    private readonly resolver?: RelatedObjectResolver,
  ) {
    this.assignedProjects = new LRUCache({
      max: config.env.VALIDATION_CACHE_MAX,
      ttl: Math.max(config.env.VALIDATION_CACHE_TTL_MS, 1),
    });
  }

  private async projectHasAssignments(projectId: string): Promise<boolean> {
    const known = this.assignedProjects.get(projectId);
    if (known !== undefined) return known;
    const has = await this.repository.projectHasAssignments(projectId);
    if (this.assignedProjects.get(projectId) !== true) this.assignedProjects.set(projectId, has);
    return has;
  }

  /** Throws 400 invalid_payload naming the rule when the rules JSON is not valid. */
  compileOrThrow(rules: unknown, error?: unknown): CompiledRuleSet {
    const result = compileRuleSet(rules, error);
    if (!result.ok) throw ValidationRuleErrors.invalidRules(result.problem);
    return result.ruleSet;
  }

  async create(projectId: string, dto: CreateValidationRuleDto) {
    this.compileOrThrow(dto.rules, dto.error);
    const rule = await this.repository.insertRule({
      id: newId('validationRule'),
      projectId,
      name: dto.name,
      rules: dto.rules ?? {},
      error: errorOf(dto.error),
      applicableTo: dto.applicable_to ?? DEFAULT_APPLICABLE_TO,
      type: dto.type ?? 'expression',
      contextType: dto.context_type ?? 'global',
      updatedAt: null,
    });
    return serializeRule(rule);
  }

  async get(projectId: string, id: string) {
    const rule = await this.repository.findRule(projectId, id);
    if (!rule) throw ValidationRuleErrors.notFound(id);
    return serializeRule(rule);
  }

  async update(projectId: string, id: string, dto: UpdateValidationRuleDto) {
    return this.tx.run(async (em) => {
      const current = await this.repository.lockRule(projectId, id, 'update', em);
      if (!current) throw ValidationRuleErrors.notFound(id);
      const rules = dto.rules ?? current.rules;
      const error = dto.error !== undefined ? dto.error : current.error;
      this.compileOrThrow(rules, error);
      const patch: Partial<ValidationRuleEntity> = { updatedAt: new Date() };
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.rules !== undefined) patch.rules = dto.rules;
      if (dto.error !== undefined) patch.error = errorOf(dto.error);
      if (dto.applicable_to !== undefined) patch.applicableTo = dto.applicable_to;
      if (dto.type !== undefined) patch.type = dto.type;
      if (dto.context_type !== undefined) patch.contextType = dto.context_type;
      await this.repository.updateRule(projectId, id, patch, em);
      return serializeRule(Object.assign(current, patch));
    });
  }

  async delete(projectId: string, id: string): Promise<void> {
    if (!(await this.repository.deleteRule(projectId, id))) throw ValidationRuleErrors.notFound(id);
  }

  async list(projectId: string, query: ListQueryDto) {
    const page = paging(query);
    const order = parseOrder<RuleSortField>(query.order, ['created_at', 'updated_at', 'name'], {
      field: 'created_at',
      direction: 'DESC',
    });
    const [rows, total] = await this.repository.listRules(projectId, page, order);
    return listEnvelope('data', rows.map(serializeRule), total);
  }

  /** Which object an assignment body names, resolving the SDK's code/name shapes. */
  private async target(
    projectId: string,
    dto: CreateAssignmentDto,
  ): Promise<{ type: RelatedObjectType; id: string }> {
    const spec = dto.related_object_type !== undefined || dto.related_object_id !== undefined;
    const shapes = [spec, dto.voucher, dto.campaign, dto.promotion_tier].filter(
      (s) => s !== undefined && s !== false,
    );
    if (shapes.length !== 1) throw ValidationRuleErrors.ambiguousAssignment();
    if (spec) {
      if (!dto.related_object_type || !dto.related_object_id) {
        throw ValidationRuleErrors.ambiguousAssignment();
      }
      return { type: dto.related_object_type, id: dto.related_object_id };
    }
    if (dto.promotion_tier !== undefined) return { type: 'promotion_tier', id: dto.promotion_tier };
    const field = dto.voucher !== undefined ? 'voucher' : 'campaign';
    const given = (dto.voucher ?? dto.campaign)!;
    if (!this.resolver) throw ValidationRuleErrors.resolverUnavailable(field);
    const id =
      field === 'voucher'
        ? await this.resolver.resolveVoucher(projectId, given)
        : await this.resolver.resolveCampaign(projectId, given);
    if (!id) throw ValidationRuleErrors.relatedObjectNotFound(field, given);
    return { type: field, id };
  }

  async createAssignment(
    projectId: string,
    ruleId: string,
    dto: CreateAssignmentDto,
    force = false,
  ) {
    const target = await this.target(projectId, dto);
    return this.tx.run(async (em) => {
      if (!(await this.repository.lockRule(projectId, ruleId, 'share', em))) {
        throw ValidationRuleErrors.notFound(ruleId);
      }
      const row = Object.assign(new ValidationRuleAssignmentEntity(), {
        id: newId('assignment'),
        projectId,
        ruleId,
        relatedObjectType: target.type,
        relatedObjectId: target.id,
        createdAt: new Date(),
      });
      this.assignedProjects.set(projectId, true);
      const inserted = await this.repository.insertAssignment(row, force, em);
      if (!inserted) {
        const existing = await this.repository.findAssignmentFor(
          projectId,
          ruleId,
          target.type,
          target.id,
          em,
        );
        throw ValidationRuleErrors.duplicateAssignment(
          ruleId,
          target.type,
          target.id,
          existing?.id,
        );
      }
      return serializeAssignment(inserted);
    });
  }

  /**
   * Makes `ruleIds` exactly the rules assigned to an object, inside the caller's transaction
   * (a voucher or campaign created or updated with `validation_rules`). Unknown ids are a 400
   * naming them, so the caller's whole change rolls back. The rules are share-locked against
   * a concurrent delete until the transaction ends.
   */
  async setAssignmentsFor(
    projectId: string,
    object: { type: RelatedObjectType; id: string },
    ruleIds: string[],
    em: EntityManager,
  ): Promise<void> {
    const wanted = [...new Set(ruleIds)];
    await this.assertRulesExist(projectId, wanted, em);
    const current = await this.repository.findAssignmentsForObjects(projectId, [object], em);
    for (const a of current)
      if (!wanted.includes(a.ruleId))
        await this.repository.deleteAssignment(projectId, a.ruleId, a.id, em);
    const have = new Set(current.map((a) => a.ruleId));
    for (const ruleId of wanted) {
      if (have.has(ruleId)) continue;
      const row = Object.assign(new ValidationRuleAssignmentEntity(), {
        id: newId('assignment'),
        projectId,
        ruleId,
        relatedObjectType: object.type,
        relatedObjectId: object.id,
        createdAt: new Date(),
      });
      this.assignedProjects.set(projectId, true);
      await this.repository.insertAssignment(row, false, em);
    }
  }

  /** Throws 400 naming every id that is not a rule of the project (share-locks the others). */
  async assertRulesExist(projectId: string, ruleIds: string[], em: EntityManager) {
    const missing: string[] = [];
    for (const id of ruleIds)
      if (!(await this.repository.lockRule(projectId, id, 'share', em))) missing.push(id);
    if (missing.length) throw ValidationRuleErrors.unknownRules(missing);
  }

  /** Which of the given ids are rules of the project (bulk paths report the others per row). */
  async existingRuleIds(projectId: string, ids: string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    const rows = await this.repository.findRulesByIds(projectId, unique);
    return new Set(rows.map((r) => r.id));
  }

  /** The serialized assignments of each object, keyed by object id, oldest first. */
  async assignmentsOf(
    projectId: string,
    objects: { type: RelatedObjectType; id: string }[],
    em?: EntityManager,
  ): Promise<Map<string, ReturnType<typeof serializeAssignment>[]>> {
    const out = new Map<string, ReturnType<typeof serializeAssignment>[]>();
    const rows = await this.repository.findAssignmentsForObjects(projectId, objects, em);
    for (const a of rows) {
      const list = out.get(a.relatedObjectId) ?? [];
      list.push(serializeAssignment(a));
      out.set(a.relatedObjectId, list);
    }
    return out;
  }

  /** When the objects themselves are permanently deleted (in the caller's transaction). */
  deleteAssignmentsOfObjects(
    projectId: string,
    type: RelatedObjectType,
    ids: string[],
    em?: EntityManager,
  ): Promise<number> {
    return this.repository.deleteAssignmentsForObjects(projectId, type, ids, em);
  }

  async listRuleAssignments(projectId: string, ruleId: string, query: ListQueryDto) {
    if (!(await this.repository.findRule(projectId, ruleId))) {
      throw ValidationRuleErrors.notFound(ruleId);
    }
    return this.listAssignments(projectId, { ...query, rule: ruleId });
  }

  async listAssignments(projectId: string, query: ListAssignmentsQueryDto) {
    const page = paging(query);
    const order = parseOrder(query.order, ['created_at'], {
      field: 'created_at',
      direction: 'DESC',
    });
    const [rows, total] = await this.repository.listAssignments(
      projectId,
      { ruleId: query.rule, relatedObjectId: query.related_object_id },
      page,
      order.direction,
    );
    return listEnvelope('data', rows.map(serializeAssignment), total);
  }

  async deleteAssignment(projectId: string, ruleId: string, assignmentId: string) {
    if (!(await this.repository.deleteAssignment(projectId, ruleId, assignmentId))) {
      throw ValidationRuleErrors.assignmentNotFound(assignmentId);
    }
  }

  /**
   * For the validation and redemption engines: the compiled rule sets assigned to any of the
   * given objects (e.g. the voucher and its campaign), oldest assignment first. A rule stored
   * before a vocabulary change that no longer compiles is reported as invalid, never skipped.
   */
  async rulesFor(
    projectId: string,
    objects: { type: RelatedObjectType; id: string }[],
  ): Promise<AssignedRuleSet[]> {
    if (!(await this.projectHasAssignments(projectId))) return [];
    const assignments = await this.repository.findAssignmentsForObjects(projectId, objects);
    const ruleIds = [...new Set(assignments.map((a) => a.ruleId))];
    const rules = new Map(
      (await this.repository.findRulesByIds(projectId, ruleIds)).map((r) => [r.id, r]),
    );
    const seen = new Set<string>();
    const out: AssignedRuleSet[] = [];
    for (const a of assignments) {
      const rule = rules.get(a.ruleId);
      if (!rule || seen.has(rule.id)) continue;
      seen.add(rule.id);
      out.push({
        ruleId: rule.id,
        assignmentId: a.id,
        relatedObjectType: a.relatedObjectType,
        relatedObjectId: a.relatedObjectId,
        ruleSet: this.compileOrThrow(rule.rules, rule.error),
      });
    }
    return out;
  }
}
