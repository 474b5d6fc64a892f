import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '@app/audit';
import type { Paging, SortOrder } from '@app/core';
import {
  RelatedObjectType,
  ValidationRuleAssignmentEntity,
  ValidationRuleEntity,
} from './validation-rule.entity';

export type RuleSortField = 'created_at' | 'updated_at' | 'name';
const RULE_COLUMNS: Record<RuleSortField, string> = {
  created_at: 'r.createdAt',
  updated_at: 'r.updatedAt',
  name: 'r.name',
};

interface AssignmentRow {
  id: string;
  project_id: string;
  rule_id: string;
  related_object_type: RelatedObjectType;
  related_object_id: string;
  created_at: Date;
}

const fromRow = (row: AssignmentRow): ValidationRuleAssignmentEntity =>
  Object.assign(new ValidationRuleAssignmentEntity(), {
    id: row.id,
    projectId: row.project_id,
    ruleId: row.rule_id,
    relatedObjectType: row.related_object_type,
    relatedObjectId: row.related_object_id,
    createdAt: row.created_at,
  });

@Injectable()
export class ValidationRulesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  private rules(em?: EntityManager) {
    return this.em(em).getRepository(ValidationRuleEntity);
  }

  private assignments(em?: EntityManager) {
    return this.em(em).getRepository(ValidationRuleAssignmentEntity);
  }

  insertRule(rule: Partial<ValidationRuleEntity>, em?: EntityManager) {
    return this.rules(em).save(this.rules(em).create(rule));
  }

  findRule(projectId: string, id: string, em?: EntityManager) {
    return this.rules(em).findOneBy({ projectId, id });
  }

  /**
   * Locks the rule until the transaction ends: `share` holds it against a concurrent delete
   * (assignments), `update` also serialises writers of the rule itself.
   */
  lockRule(projectId: string, id: string, mode: 'share' | 'update', em: EntityManager) {
    return this.rules(em)
      .createQueryBuilder('r')
      .where('r.projectId = :projectId AND r.id = :id', { projectId, id })
      .setLock(mode === 'share' ? 'pessimistic_read' : 'pessimistic_write')
      .getOne();
  }

  async updateRule(
    projectId: string,
    id: string,
    patch: Partial<ValidationRuleEntity>,
    em?: EntityManager,
  ): Promise<boolean> {
    // jsonb columns are replaced whole; TypeORM's deep-partial type cannot express that.
    const result = await this.rules(em).update(
      { projectId, id },
      patch as QueryDeepPartialEntity<ValidationRuleEntity>,
    );
    return (result.affected ?? 0) > 0;
  }

  async deleteRule(projectId: string, id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.rules(em).delete({ projectId, id });
    return (result.affected ?? 0) > 0;
  }

  listRules(projectId: string, page: Paging, order: SortOrder<RuleSortField>, em?: EntityManager) {
    return this.rules(em)
      .createQueryBuilder('r')
      .where('r.projectId = :projectId', { projectId })
      .orderBy(RULE_COLUMNS[order.field], order.direction, 'NULLS LAST')
      .addOrderBy('r.id', order.direction)
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
  }

  findRulesByIds(projectId: string, ids: string[], em?: EntityManager) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.rules(em)
      .createQueryBuilder('r')
      .where('r.projectId = :projectId AND r.id IN (:...ids)', { projectId, ids })
      .getMany();
  }

  /**
   * Inserts an assignment. Without `replace` an identical one (same rule, type and object)
   * makes it return null; with `replace` the existing row takes the new id and time. One
   * statement either way, so concurrent duplicates cannot both win.
   */
  async insertAssignment(
    row: ValidationRuleAssignmentEntity,
    replace: boolean,
    em?: EntityManager,
  ): Promise<ValidationRuleAssignmentEntity | null> {
    const conflictColumns = ['project_id', 'rule_id', 'related_object_type', 'related_object_id'];
    const qb = this.em(em)
      .createQueryBuilder()
      .insert()
      .into(ValidationRuleAssignmentEntity)
      .values({
        id: row.id,
        projectId: row.projectId,
        ruleId: row.ruleId,
        relatedObjectType: row.relatedObjectType,
        relatedObjectId: row.relatedObjectId,
        createdAt: row.createdAt,
      })
      .returning('*')
      // The subscriber would record a create even when the conflict skipped the row.
      .callListeners(false);
    if (replace) qb.orUpdate(['id', 'created_at'], conflictColumns);
    else qb.orIgnore();
    const result = await qb.execute();
    const rows = result.raw as AssignmentRow[];
    if (!rows.length) return null;
    await this.audit.record(this.em(em), {
      entityType: 'validation_rules_assignment',
      entityId: row.id,
      action: 'create',
      projectId: row.projectId,
      diff: {
        rule_id: row.ruleId,
        related_object_type: row.relatedObjectType,
        related_object_id: row.relatedObjectId,
      },
    });
    return fromRow(rows[0]);
  }

  findAssignmentFor(
    projectId: string,
    ruleId: string,
    type: RelatedObjectType,
    objectId: string,
    em?: EntityManager,
  ) {
    return this.assignments(em).findOneBy({
      projectId,
      ruleId,
      relatedObjectType: type,
      relatedObjectId: objectId,
    });
  }

  async deleteAssignment(
    projectId: string,
    ruleId: string,
    id: string,
    em?: EntityManager,
  ): Promise<boolean> {
    const result = await this.assignments(em).delete({ projectId, ruleId, id });
    return (result.affected ?? 0) > 0;
  }

  listAssignments(
    projectId: string,
    filter: { ruleId?: string; relatedObjectId?: string },
    page: Paging,
    direction: 'ASC' | 'DESC',
    em?: EntityManager,
  ) {
    const qb = this.assignments(em)
      .createQueryBuilder('a')
      .where('a.projectId = :projectId', { projectId });
    if (filter.ruleId) qb.andWhere('a.ruleId = :ruleId', { ruleId: filter.ruleId });
    if (filter.relatedObjectId) {
      qb.andWhere('a.relatedObjectId = :objectId', { objectId: filter.relatedObjectId });
    }
    return qb
      .orderBy('a.createdAt', direction)
      .addOrderBy('a.id', direction)
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
  }

  async projectHasAssignments(projectId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM validation_rule_assignments WHERE project_id = $1 LIMIT 1`,
      [projectId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Assignments of any of the given objects, oldest first (the order rules are evaluated in). */
  findAssignmentsForObjects(
    projectId: string,
    objects: { type: RelatedObjectType; id: string }[],
    em?: EntityManager,
  ) {
    if (objects.length === 0) return Promise.resolve([]);
    const qb = this.assignments(em)
      .createQueryBuilder('a')
      .where('a.projectId = :projectId', { projectId });
    qb.andWhere(
      `(${objects.map((_, i) => `(a.relatedObjectType = :t${i} AND a.relatedObjectId = :o${i})`).join(' OR ')})`,
      Object.fromEntries(
        objects.flatMap((o, i) => [
          [`t${i}`, o.type],
          [`o${i}`, o.id],
        ]),
      ),
    );
    return qb.orderBy('a.createdAt', 'ASC').addOrderBy('a.id', 'ASC').getMany();
  }

  /** For the owner of an object that is deleted (e.g. a voucher deleted with force). */
  async deleteAssignmentsForObject(
    projectId: string,
    type: RelatedObjectType,
    objectId: string,
    em?: EntityManager,
  ): Promise<number> {
    return this.deleteAssignmentsForObjects(projectId, type, [objectId], em);
  }

  /** The bulk form, for a batch of deleted objects (e.g. a campaign's vouchers). */
  async deleteAssignmentsForObjects(
    projectId: string,
    type: RelatedObjectType,
    objectIds: string[],
    em?: EntityManager,
  ): Promise<number> {
    if (objectIds.length === 0) return 0;
    // Recorded here, by assignment id: the subscriber would not know which rows went (and
    // would fall back to the route's parameter, the deleted object's code).
    const result = await this.assignments(em)
      .createQueryBuilder()
      .delete()
      .where({ projectId, relatedObjectType: type, relatedObjectId: In(objectIds) })
      .returning(['id'])
      .callListeners(false)
      .execute();
    const rows = (result.raw as { id: string }[]) ?? [];
    await this.audit.recordMany(
      this.em(em),
      rows.map((r) => ({
        entityType: 'validation_rules_assignment',
        entityId: r.id,
        action: 'delete',
        projectId,
      })),
    );
    return rows.length;
  }
}
